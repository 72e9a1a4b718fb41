//! `baton man`: manual pages, made from the same definitions as `--help`.

use std::io::Write;
use std::path::PathBuf;

use clap_mangen::Man;

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::broken_pipe;

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
        let mut page = Vec::new();
        render(&root, &mut page).map_err(|e| Error::new(format!("cannot render baton.1: {e}")))?;
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(&page)
            .and_then(|()| stdout.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => broken_pipe(),
                _ => Error::new(format!("cannot write to standard output: {e}")),
            });
    };
    let dir = ctx.cwd.join(dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create", e))?;
    let mut written = Vec::new();
    write_pages(&root, &dir, &mut written)?;
    let names: Vec<&str> = written.iter().map(String::as_str).collect();
    ctx.out.result(
        &format!(
            "wrote {} manual pages to {}\nread them with: man {}/baton.1   (or add the folder's parent to MANPATH)",
            written.len(),
            dir.display(),
            dir.display()
        ),
        || serde_json::json!({"dir": dir, "pages": names}),
    )
}

/// Writes the page of `cmd` and of each of its visible subcommands.
fn write_pages(
    cmd: &clap::Command,
    dir: &std::path::Path,
    written: &mut Vec<String>,
) -> Result<()> {
    let name = format!("{}.1", cmd.get_display_name().unwrap_or(cmd.get_name()));
    let path = dir.join(&name);
    let mut page = Vec::new();
    render(cmd, &mut page).map_err(|e| Error::new(format!("cannot render {name}: {e}")))?;
    std::fs::write(&path, page).map_err(|e| Error::io(&path, "write", e))?;
    written.push(name);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

/// One page: clap's sections, with the `Examples:` of `after_help` as an
/// EXAMPLES section whose lines are kept as written (clap_mangen would run
/// them together into one paragraph).
fn render(cmd: &clap::Command, w: &mut dyn Write) -> std::io::Result<()> {
    let man = Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(w)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(w)?;
    }
    if let Some(after) = cmd.get_after_help() {
        w.write_all(after_help_roff(&after.to_string()).as_bytes())?;
    }
    if cmd.get_version().is_some() {
        man.render_version_section(w)?;
    }
    Ok(())
}

/// `Heading:` lines become sections; the lines under them are set unfilled,
/// so each example stays on its own line.
fn after_help_roff(text: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for line in text.lines() {
        let heading = !line.starts_with(' ') && line.ends_with(':');
        if heading || !open {
            if open {
                out.push_str(".fi\n");
            }
            let title = if heading {
                line.trim_end_matches(':').to_uppercase()
            } else {
                "NOTES".to_string()
            };
            out.push_str(&format!(".SH {title}\n.nf\n"));
            open = true;
            if heading {
                continue;
            }
        }
        out.push_str(&roff_line(line));
        out.push('\n');
    }
    if open {
        out.push_str(".fi\n");
    }
    out
}

/// A line of text made safe for roff: backslashes and hyphens escaped (so
/// flags copy as ASCII), and a leading dot or quote kept from being a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_become_an_unfilled_section() {
        let roff = after_help_roff("Examples:\n  baton list --mine\n  .hidden \\ back");
        assert_eq!(
            roff,
            ".SH EXAMPLES\n.nf\n  baton list \\-\\-mine\n  .hidden \\e back\n.fi\n"
        );
    }

    #[test]
    fn text_before_a_heading_is_kept_as_notes() {
        let roff = after_help_roff(".dot first\nExamples:\n  x");
        assert_eq!(
            roff,
            ".SH NOTES\n.nf\n\\&.dot first\n.fi\n.SH EXAMPLES\n.nf\n  x\n.fi\n"
        );
    }
}
