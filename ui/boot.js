import init from './folio_ui.js';
init();
