//! `baton man`: manual pages, made from the same definitions as `--help`.

use std::path::PathBuf;

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{json, man, outcome};

/// Write manual pages: baton.1 and one page per command
///
/// With a folder, writes baton.1, baton-list.1, baton-people-add.1 and so on
/// into it (creating it). Without one, prints baton.1 on standard output.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton man ~/.local/share/man/man1       then: man baton-pass
  baton man | man -l -                     read the main page now")]
pub struct Args {
    /// The folder to write the pages into (such as ~/.local/share/man/man1)
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

/// Writes the pages of `tree`, the whole command line.
pub fn run(ctx: &Ctx, args: Args, tree: clap::Command) -> Result<()> {
    let mut root = tree.disable_help_subcommand(true);
    root.build();
    let Some(dir) = args.dir else {
        return ctx.out.raw(&man::page(&root, "baton.1")?);
    };
    let dir = ctx.cwd.join(dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create", e))?;
    let mut written = Vec::new();
    write_pages(&root, &dir, &mut written)?;
    ctx.out
        .result(&outcome::pages_written(written.len(), &dir), || {
            json::pages(&dir, &written)
        })
}

/// Writes the page of `cmd` and of each of its visible subcommands.
fn write_pages(
    cmd: &clap::Command,
    dir: &std::path::Path,
    written: &mut Vec<String>,
) -> Result<()> {
    let name = format!("{}.1", cmd.get_display_name().unwrap_or(cmd.get_name()));
    let path = dir.join(&name);
    let page = man::page(cmd, &name)?;
    std::fs::write(&path, page).map_err(|e| Error::io(&path, "write", e))?;
    written.push(name);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}
