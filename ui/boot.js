// The wasm UI starts at once; the article editor's engine (ui/editor, bundled into editor.js by
// scripts/build-ui.sh, ~260 KB of script) is loaded the first time an article page asks for it
// (`folioLoadEditor`, ui/src/components/editor/bridge.rs), so the start never parses it.
import init from './folio_ui.js';

let engine = null;
window.folioLoadEditor = () => {
  engine ??= import('./editor.js').then((module) => {
    window.folioEditor = module;
  });
  return engine;
};
// The start's milestones for the desktop benchmark (tests/bench_desktop.rs reads them).
performance.mark('folio:boot');
init().then(() => performance.mark('folio:wasm-started'));
