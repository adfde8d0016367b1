"""End-to-end tests in real editors: Neovim and VS Code (code-server in headless Chromium)."""
