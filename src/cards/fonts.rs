//! The fonts cards are set in, bundled with readout (`assets/fonts/`,
//! subsets of Noto Serif, Noto Sans and Noto Sans Devanagari under the SIL
//! Open Font License, `assets/fonts/OFL.txt`). Cards load these and no
//! system font, so a card is drawn the same on every machine.

pub(super) const SERIF: &[u8] = include_bytes!("../../assets/fonts/NotoSerif-Regular.ttf");
pub(super) const SERIF_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSerif-Bold.ttf");
pub(super) const SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub(super) const SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
pub(super) const DEVANAGARI: &[u8] = include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf");
pub(super) const DEVANAGARI_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansDevanagari-Bold.ttf");

/// Every bundled font, in the order they are loaded.
pub(super) const ALL: [&[u8]; 6] = [SERIF, SERIF_BOLD, SANS, SANS_BOLD, DEVANAGARI, DEVANAGARI_BOLD];
