//! Manual pages in roff, made from the same definitions as `--help`: clap's
//! sections, and the `Examples:` of each command's `after_help` set line by
//! line as `man` should show them.

use std::io::Write;

use clap_mangen::Man;

use crate::error::{Error, Result};

/// The page of `cmd`, as roff; `name` (such as `baton-pass.1`) names it in an
/// error.
pub fn page(cmd: &clap::Command, name: &str) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    render(cmd, &mut page).map_err(|e| Error::new(format!("cannot render {name}: {e}")))?;
    Ok(page)
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
