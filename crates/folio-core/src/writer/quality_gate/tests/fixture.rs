//! The article most tests start from: realistic, about 900 words, passing every check.

use crate::writer::quality_gate::{check_quality, QualityInput};
use folio_model::{default_banned_phrases, QualityReport};

/// A realistic article (about 900 words) that passes every check; tests break one thing at a time.
pub(super) struct Fixture {
    pub(super) title: String,
    pub(super) meta_title: String,
    pub(super) keyword: String,
    pub(super) intro: Vec<String>,
    pub(super) sections: Vec<(String, Vec<String>)>,
    pub(super) target: Option<u32>,
    pub(super) banned: Vec<String>,
}

pub(super) const INTRO: &[&str] = &[
    "A garden hoe is the cheapest way to keep a vegetable bed clean. Ten minutes with a sharp \
     blade on a dry morning does more against weeds than an hour of pulling them by hand, and it \
     leaves the soil loose enough for rain to soak in instead of running off.",
    "This guide explains the main kinds of hoe, what to look for in a handle, how to work without \
     straining your back and how to keep the edge keen from spring until the first frost.",
];

const SECTIONS: &[(&str, &[&str])] = &[
    ("What a garden hoe does", &[
        "Most hoes do one of two jobs. Some slice young weeds just below the surface, where their \
         roots are thin and their growing points are exposed to the sun. Others chop and move \
         soil, which is how gardeners make furrows for seed, draw earth up around potatoes and \
         break the crust that forms after heavy rain.",
        "Slicing is the job people underestimate. A seedling weed cut at the stem dries out within \
         a day in warm weather, so regular shallow passes starve a whole generation before it sets \
         seed. Chopping is slower and harder work, but it is the only option once weeds are knee \
         high or the ground has been neglected for a season.",
    ]),
    ("Types of hoes", &[
        "The Dutch or push hoe has a flat blade set almost in line with the handle. You walk \
         backwards and push it through the top centimetre of soil, which keeps your footprints off \
         the freshly cut weeds. The draw hoe has its blade at a right angle and is pulled towards \
         you in short strokes; it is the better tool for earthing up and for hard clay.",
        "Stirrup or oscillating hoes have a hinged loop of steel that cuts on both the push and the \
         pull. They are fast on open ground between rows but awkward close to plants. Collinear \
         hoes have a long narrow blade meant for upright posture and precise work among carrots, \
         onions and lettuce.",
    ]),
    ("Choosing the right handle", &[
        "A handle that is too short is the most common reason people give up hoeing. As a rule, \
         the end of the handle should reach somewhere between your chin and your nose when the \
         blade rests flat on the ground. Tall gardeners often have to look beyond supermarket \
         tools, which tend to stop at around one hundred and forty centimetres.",
        "Ash remains the traditional material because it flexes a little and absorbs vibration. \
         Fibreglass is lighter and will not rot if the tool lives outdoors, although it can feel \
         cold and slippery in wet gloves. Whatever the material, check that the socket is riveted \
         rather than glued, since a loose head wastes effort on every stroke.",
    ]),
    ("How to use a garden hoe without back pain", &[
        "Stand upright and let your arms do the work. Hold the handle with thumbs pointing up, the \
         way you would hold a broom, and keep the blade close to horizontal so it skims instead of \
         digging. Short, relaxed strokes are more effective than long reaches, and they keep the \
         cut shallow enough to avoid bringing buried weed seeds to the surface.",
        "Choose your timing. Hoe on a dry, breezy day when the top of the soil is crumbly and the \
         cut weeds will wither where they fall. Working after rain smears wet soil, replants the \
         weeds you meant to kill and compacts the bed under your boots. Change hands every few \
         rows so that one shoulder does not take all of the strain.",
    ]),
    ("Sharpening and care", &[
        "A blunt hoe bruises weeds rather than cutting them, and bruised weeds recover. Run a flat \
         file along the bevel at the original angle, pushing away from the edge, until you can \
         feel a slight burr on the back. Ten strokes before each session are usually enough, and \
         a small file fits easily in a jacket pocket.",
        "After use, knock off clinging soil and wipe the blade with an oily rag to stop rust. \
         Store the tool hanging up in a shed rather than standing on its edge on concrete. Once a \
         year, sand the wooden handle lightly and rub in linseed oil, which keeps the grain from \
         drying out and splitting.",
    ]),
    ("Frequently asked questions", &[
        "How often should I hoe? Once a week during the growing season is plenty for most plots, \
         and more often in June when everything germinates at once. Can I hoe around shallow \
         rooted crops? Yes, but stay a hand's width away from onions and strawberries and finish \
         close to the stems with your fingers.",
        "Is a garden hoe useful on gravel paths? A sharp push hoe clears small weeds from gravel \
         quickly, though the stones dull the edge faster than soil does. Which hoe should a \
         beginner buy first? A Dutch hoe with a long ash handle covers most jobs in a small garden \
         and costs little.",
    ]),
];

impl Fixture {
    pub(super) fn new() -> Fixture {
        let owned = |ps: &[&str]| ps.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
        Fixture {
            title: "Garden hoe guide: types, handles and care".into(),
            meta_title: "How to choose and use a garden hoe".into(),
            keyword: "garden hoe".into(),
            intro: owned(INTRO),
            sections: SECTIONS
                .iter()
                .map(|(h, ps)| ((*h).to_owned(), owned(ps)))
                .collect(),
            target: Some(900),
            banned: default_banned_phrases(),
        }
    }

    pub(super) fn html(&self) -> String {
        let mut html: String = self.intro.iter().map(|p| format!("<p>{p}</p>\n")).collect();
        for (heading, paragraphs) in &self.sections {
            html.push_str(&format!("<h2>{heading}</h2>\n"));
            for p in paragraphs {
                html.push_str(&format!("<p>{p}</p>\n"));
            }
        }
        html
    }

    pub(super) fn outline(&self) -> Vec<String> {
        self.sections.iter().map(|(h, _)| h.clone()).collect()
    }

    /// The report for this article against the original outline.
    pub(super) fn check(&self) -> QualityReport {
        self.check_against(&Fixture::new().outline())
    }

    pub(super) fn check_against(&self, outline: &[String]) -> QualityReport {
        let body = self.html();
        check_quality(&QualityInput {
            title: &self.title,
            meta_title: &self.meta_title,
            body_html: &body,
            primary_keyword: &self.keyword,
            outline,
            target_word_count: self.target,
            banned_phrases: &self.banned,
        })
    }
}
