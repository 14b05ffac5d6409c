//! Resolving references: every slug in front matter and every link in a
//! body, checked against the notes of the site, with the closest slug
//! suggested when one is wrong.

use std::collections::HashSet;

use super::{NoteId, Relations, Site};
use crate::diagnostic::{Diagnostic, Diagnostics, closest};
use crate::note::{ActorKind, Kind, Link, Meta, Note, Relation, SlugRef};

pub(super) struct RefChecker<'a> {
    pub(super) site: &'a Site,
    pub(super) drafts: &'a HashSet<String>,
    pub(super) unreadable: &'a HashSet<String>,
}

impl RefChecker<'_> {
    /// Resolves a front-matter reference that must name a note of `kind`.
    fn reference(&self, note: &Note, field: &str, r: &SlugRef, kind: Kind, diags: &mut Diagnostics) -> Option<NoteId> {
        let err = |message: String| Diagnostic::error(&note.path, Some(&note.text), r.pos, message);
        match self.site.by_slug.get(&r.value) {
            Some(&id) if self.site.notes[id].kind() == kind => Some(id),
            Some(&id) => {
                let other = self.site.notes[id].kind();
                let mut d = err(format!(
                    "`{}` in `{field}` is {} {}, but `{field}` must name {} {}",
                    r.value,
                    article(other.name()),
                    other.name(),
                    article(kind.name()),
                    kind.name()
                ));
                if let Some(near) = self.closest_of_kind(&r.value, kind) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                diags.push(d);
                None
            }
            None if self.unreadable.contains(&r.value) => None,
            None if self.drafts.contains(&r.value) => {
                diags.push(
                    err(format!("`{}` in `{field}` is a draft, left out of this build", r.value))
                        .with_help("build with --drafts, or remove `draft = true` from that note"),
                );
                None
            }
            None => {
                let mut d = err(format!("no {} named `{}` (in `{field}`)", kind.name(), r.value));
                d = match self.closest_of_kind(&r.value, kind) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help(format!("create content/{}/{}.md, or fix the slug", kind.folder(), r.value)),
                };
                diags.push(d);
                None
            }
        }
    }

    fn closest_of_kind(&self, slug: &str, kind: Kind) -> Option<&str> {
        closest(slug, self.site.notes.iter().filter(|n| n.kind() == kind).map(|n| n.slug.as_str()))
    }

    /// Resolves every reference of the note's front matter, each to a
    /// note of the kind its relation names; what resolves goes to `rel`.
    pub(super) fn front_matter(&self, id: NoteId, note: &Note, diags: &mut Diagnostics, rel: &mut Relations) {
        for (relation, r) in note.meta.relations() {
            let Some(target) = self.reference(note, relation.field(), r, relation.target(), diags) else {
                continue;
            };
            if relation == Relation::Country && !self.is_country(target) {
                diags.push(
                    Diagnostic::error(
                        &note.path,
                        Some(&note.text),
                        r.pos,
                        format!("`{}` in `country` is not an actor of kind country", r.value),
                    )
                    .with_help("`country` must name an actor with `kind = \"country\"`"),
                );
                continue;
            }
            rel.set.push((relation, target, id));
        }
    }

    fn is_country(&self, id: NoteId) -> bool {
        matches!(&self.site.notes[id].meta, Meta::Actor(a) if a.kind == ActorKind::Country)
    }

    /// Resolves a link in a body; reports it when broken.
    pub(super) fn body_link(
        &self,
        path: &std::path::Path,
        text: &str,
        link: &Link,
        diags: &mut Diagnostics,
    ) -> Option<NoteId> {
        let err = |message: String| Diagnostic::error(path, Some(text), link.pos, message);
        let found = self
            .site
            .by_slug
            .get(&link.target)
            .copied()
            .filter(|&id| link.target_kind.is_none_or(|k| self.site.notes[id].kind() == k));
        let Some(id) = found else {
            if self.unreadable.contains(&link.target) {
                return None;
            }
            let written = match link.style {
                crate::note::LinkStyle::Wiki => format!("[[{}]]", link.target),
                crate::note::LinkStyle::Markdown => format!("a link to `{}`", link.target),
            };
            let mut d = if self.drafts.contains(&link.target) {
                err(format!("{written} links to a draft, left out of this build"))
                    .with_help("build with --drafts, or remove the link")
            } else {
                err(format!("{written} links to a note that does not exist"))
            };
            if d.help.is_none() {
                let candidates = self
                    .site
                    .notes
                    .iter()
                    .filter(|n| link.target_kind.is_none_or(|k| n.kind() == k))
                    .map(|n| n.slug.as_str());
                d = match closest(&link.target, candidates) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help("check the slug: it is the note's file name without `.md`"),
                };
            }
            diags.push(d);
            return None;
        };
        if let Some(heading) = &link.heading {
            let target = &self.site.notes[id];
            if !target.headings.iter().any(|h| &h.id == heading) {
                let mut d = err(format!("`{}` has no heading `#{heading}`", link.target));
                d = match closest(heading, target.headings.iter().map(|h| h.id.as_str())) {
                    Some(near) => d.with_help(format!("did you mean `#{near}`?")),
                    None if target.headings.is_empty() => d.with_help(format!("`{}` has no headings", link.target)),
                    None => d.with_help(format!(
                        "its headings are: {}",
                        target.headings.iter().map(|h| format!("#{}", h.id)).collect::<Vec<_>>().join(", ")
                    )),
                };
                diags.push(d);
            }
        }
        Some(id)
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}
