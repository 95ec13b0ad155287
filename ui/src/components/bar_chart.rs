//! A small chart of bars (one per day, say) as SVG drawn by Yew, no chart library — the Usage
//! page's approach without its stacking by site. Each bar carries its value for tests
//! (`data-value`) and a tooltip.

use yew::prelude::*;

/// One bar: its key (`data-key`), the label under it (empty: none), its height as a share of
/// the chart (0.0 ..= 1.0), its value and its tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub height: f64,
    pub value: String,
    pub title: String,
}

#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    pub id: AttrValue,
    /// What the chart shows, for screen readers.
    pub label: AttrValue,
    pub bars: Vec<Bar>,
}

#[function_component(BarChart)]
pub fn bar_chart(props: &BarChartProps) -> Html {
    const W: f64 = 320.0;
    const H: f64 = 90.0;
    const BOTTOM: f64 = 14.0;
    let n = props.bars.len().max(1) as f64;
    let slot = W / n;
    let bar_w = (slot * 0.7).clamp(1.0, 24.0);
    let plot_h = H - BOTTOM;
    let bars = props.bars.iter().enumerate().map(|(i, b)| {
        let x = slot * i as f64 + (slot - bar_w) / 2.0;
        let h = (b.height.clamp(0.0, 1.0) * plot_h).max(if b.height > 0.0 { 1.0 } else { 0.0 });
        html! {
            <g class="bar" data-key={b.key.clone()} data-value={b.value.clone()}>
                <rect x={format!("{x:.2}")} y={format!("{:.2}", plot_h - h)}
                    width={format!("{bar_w:.2}")} height={format!("{h:.2}")}>
                    <title>{&b.title}</title>
                </rect>
                if !b.label.is_empty() {
                    <text class="axis-label" x={format!("{:.2}", x + bar_w / 2.0)} y={format!("{:.2}", H - 2.0)}
                        text-anchor="middle">{&b.label}</text>
                }
            </g>
        }
    }).collect::<Html>();
    html! {
        <svg id={props.id.clone()} class="bar-chart" viewBox={format!("0 0 {W} {H}")} role="img"
            aria-label={props.label.clone()}>
            <line class="axis" x1="0" y1={plot_h.to_string()} x2={W.to_string()} y2={plot_h.to_string()} />
            { bars }
        </svg>
    }
}
