//! Starts the `modlsp` found on the worktree's PATH (as the user's shell sees it).

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Modlsp;

impl zed::Extension for Modlsp {
    fn new() -> Self {
        Modlsp
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("modlsp").ok_or_else(|| {
            "modlsp not found on PATH: install it with \"pip install modlsp\"".to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec![],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Modlsp);
