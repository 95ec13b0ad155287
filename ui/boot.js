// The editor engine first (ui/editor, bundled into editor.js by scripts/build-ui.sh), then the
// wasm UI, which reaches it as `window.folioEditor` (ui/src/components/editor/bridge.rs).
import * as folioEditor from './editor.js';
import init from './folio_ui.js';

window.folioEditor = folioEditor;
init();
