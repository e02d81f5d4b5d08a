"""The operator's Textual screen. Imported only by ``ktptui`` with no command
(``tui.launch.run_tui``): every headless path stays free of Textual."""
