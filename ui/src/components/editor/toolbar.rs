//! The editor's toolbar: one button per command with a stable id (`#editor-bold`, `#editor-h2`,
//! …), pressed while the command is active at the caret. Buttons keep the editor's focus and
//! selection (mousedown does not move the focus).

use yew::prelude::*;

/// A toolbar button: its id suffix (`#editor-<id>`), the engine's command, its label, its
/// accessible name (with the shortcut), and whether it is pressed while active.
struct Button {
    id: &'static str,
    command: &'static str,
    label: &'static str,
    title: &'static str,
}

const fn b(
    id: &'static str,
    command: &'static str,
    label: &'static str,
    title: &'static str,
) -> Button {
    Button {
        id,
        command,
        label,
        title,
    }
}

/// Groups of buttons, drawn with a separator between groups.
const GROUPS: &[&[Button]] = &[
    &[
        b("paragraph", "paragraph", "\u{b6}", "Paragraph"),
        b("h2", "h2", "H2", "Heading 2 (Ctrl-Alt-2)"),
        b("h3", "h3", "H3", "Heading 3 (Ctrl-Alt-3)"),
        b("h4", "h4", "H4", "Heading 4 (Ctrl-Alt-4)"),
    ],
    &[
        b("bold", "bold", "B", "Bold (Ctrl-B)"),
        b("italic", "italic", "I", "Italic (Ctrl-I)"),
        b("code", "code", "</>", "Inline code (Ctrl-E)"),
    ],
    &[
        b(
            "bullet-list",
            "bulletList",
            "\u{2022} List",
            "Bulleted list (Ctrl-Shift-8)",
        ),
        b(
            "ordered-list",
            "orderedList",
            "1. List",
            "Numbered list (Ctrl-Shift-7)",
        ),
        b(
            "quote",
            "blockquote",
            "\u{201c} Quote",
            "Quote (Ctrl-Shift-B)",
        ),
        b(
            "code-block",
            "codeBlock",
            "{ } Code",
            "Code block (Ctrl-Alt-C)",
        ),
    ],
];

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// Commands active at the caret (`bold`, `h2`, …).
    pub active: Vec<String>,
    /// A plain command by name.
    pub on_command: Callback<&'static str>,
    pub on_link: Callback<()>,
    pub on_image: Callback<()>,
    pub on_source: Callback<()>,
    /// The HTML source view is open: only its toggle works.
    pub source_open: bool,
}

fn keep_focus(e: MouseEvent) {
    e.prevent_default();
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let disabled = props.source_open;
    let plain = |button: &Button| {
        let on_command = props.on_command.clone();
        let command = button.command;
        let pressed = props.active.iter().any(|a| a == command);
        html! {
            <button type="button" id={format!("editor-{}", button.id)} class="editor-tool"
                title={button.title} aria-label={button.title} aria-pressed={pressed.to_string()}
                {disabled} onmousedown={keep_focus}
                onclick={Callback::from(move |_: MouseEvent| on_command.emit(command))}>
                {button.label}
            </button>
        }
    };
    let action = |id: &'static str,
                  label: &'static str,
                  title: &'static str,
                  cb: &Callback<()>,
                  pressed: bool,
                  disabled: bool| {
        let cb = cb.clone();
        html! {
            <button type="button" id={format!("editor-{id}")} class="editor-tool" {title}
                aria-label={title} aria-pressed={pressed.to_string()} {disabled}
                onmousedown={keep_focus} onclick={Callback::from(move |_: MouseEvent| cb.emit(()))}>
                {label}
            </button>
        }
    };
    let is = |name: &str| props.active.iter().any(|a| a == name);
    let command =
        |id: &'static str, command: &'static str, label: &'static str, title: &'static str| {
            let on_command = props.on_command.clone();
            html! {
                <button type="button" id={format!("editor-{id}")} class="editor-tool" {title}
                    aria-label={title} {disabled} onmousedown={keep_focus}
                    onclick={Callback::from(move |_: MouseEvent| on_command.emit(command))}>
                    {label}
                </button>
            }
        };
    html! {
        <div class="editor-toolbar" id="editor-toolbar" role="toolbar" aria-label="Formatting">
            { for GROUPS.iter().map(|group| html! {
                <span class="editor-tool-group">{ for group.iter().map(&plain) }</span>
            }) }
            <span class="editor-tool-group">
                { action("link", "Link", "Link (Ctrl-Shift-K)", &props.on_link, is("link"), disabled) }
                { command("table", "table", "Table", "Insert a table") }
                { action("image", "Image", "Insert one of the article's images", &props.on_image, false, disabled) }
                { command("hr", "hr", "\u{2015}", "Horizontal line") }
            </span>
            if is("table") {
                <span class="editor-tool-group" id="editor-table-tools">
                    { command("add-row", "addRow", "+ Row", "Add a row below") }
                    { command("add-column", "addColumn", "+ Column", "Add a column to the right") }
                    { command("delete-row", "deleteRow", "\u{2212} Row", "Delete this row") }
                    { command("delete-column", "deleteColumn", "\u{2212} Column", "Delete this column") }
                    { command("delete-table", "deleteTable", "\u{2212} Table", "Delete the table") }
                </span>
            }
            <span class="editor-tool-group">
                { command("undo", "undo", "\u{21b6}", "Undo (Ctrl-Z)") }
                { command("redo", "redo", "\u{21b7}", "Redo (Ctrl-Shift-Z)") }
            </span>
            <span class="editor-tool-group">
                { action("html", if props.source_open { "Back to editor" } else { "HTML" },
                    "Edit the HTML source", &props.on_source, props.source_open, false) }
            </span>
        </div>
    }
}
