//! Stage 4: a task → an article, outline first, section by section.
//!
//! Parts, each one provider call checkpointed on this device (`write_checkpoints`) the moment
//! its answer is validated, so a crash or a cancel resumes at the next part and never pays for
//! a finished part twice:
//! 1. one call per H2 section, carrying the title, primary keyword, voice, the whole outline
//!    with the other sections marked "covered elsewhere", a ≤150-word summary of the previous
//!    sections **written from the outline** (so sections run side by side) and this section's
//!    directions and word budget;
//! 2. then, from the draft: the intro with key takeaways, the conclusion and the FAQ;
//! 3. then the meta: title ≤ 60 characters, description 120–156, slug, excerpt.
//!
//! The body is assembled, sanitised to the allowlist, checked by the quality gate and saved with
//! the task's move to `completed` (and its idea's), its keywords' move to `used` and the
//! checkpoints' removal — in one write.

use crate::ai::calls::{KeepAnswer, KeptAnswer};
use crate::pipeline::brief::WriteBrief;
use crate::pipeline::chat;
use crate::pipeline::runner::StageRun;
use crate::planner::keywords::set_keyword_clusters;
use crate::store::db::to_json;
use crate::writer::html::html_word_count;
use crate::writer::quality_gate::{check_quality, QualityInput};
use crate::writer::sanitize::sanitize_article_body;
use crate::{CoreError, Entity, Folio};
use folio_ai::StructuredRequest;
use folio_model::quality::QualityReport;
use folio_model::{
    AiOperation, ContentId, CreditHold, KeywordStatus, SectionFormat, Task, TaskContent,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Words of the summary of previous sections a section call carries.
pub const PREVIOUS_SUMMARY_WORDS: usize = 150;
pub const META_TITLE_MAX: usize = 60;
pub const META_DESCRIPTION: (usize, usize) = (120, 156);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SectionPart {
    pub html: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct IntroPart {
    pub intro_html: String,
    pub takeaways_heading: String,
    pub takeaways: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct HeadedPart {
    pub heading: String,
    pub html: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FaqPart {
    pub heading: String,
    pub items: Vec<FaqItem>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FaqItem {
    pub question: String,
    pub answer_html: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct MetaPart {
    pub meta_title: String,
    pub meta_description: String,
    pub slug: String,
    pub excerpt: String,
}

pub(crate) fn string_schema(fields: &[&str]) -> serde_json::Value {
    let props: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|f| ((*f).to_owned(), serde_json::json!({"type": "string"})))
        .collect();
    serde_json::json!({"type": "object", "additionalProperties": false, "required": fields, "properties": props})
}

fn intro_schema() -> serde_json::Value {
    serde_json::json!({"type": "object", "additionalProperties": false,
        "required": ["intro_html", "takeaways_heading", "takeaways"],
        "properties": {"intro_html": {"type": "string"}, "takeaways_heading": {"type": "string"},
                       "takeaways": {"type": "array", "items": {"type": "string"}}}})
}

fn faq_schema() -> serde_json::Value {
    serde_json::json!({"type": "object", "additionalProperties": false, "required": ["heading", "items"],
        "properties": {"heading": {"type": "string"}, "items": {"type": "array", "items": {
            "type": "object", "additionalProperties": false, "required": ["question", "answer_html"],
            "properties": {"question": {"type": "string"}, "answer_html": {"type": "string"}}}}}})
}

/// A part's HTML must be text, without headings the code adds or tags the allowlist drops.
pub(crate) fn check_fragment(html: &str, min_words: u32, what: &str) -> Result<(), String> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<h1") || lower.contains("<h2") {
        return Err(format!(
            "{what} must not contain <h1> or <h2> headings; the article adds them"
        ));
    }
    if lower.contains("<img") || lower.contains("<script") {
        return Err(format!("{what} must not contain images or scripts"));
    }
    let words = html_word_count(html);
    if words < min_words {
        return Err(format!(
            "{what} has {words} words; write at least {min_words}"
        ));
    }
    Ok(())
}

/// A section's budget: its own, else an even share of the target after intro and ending.
pub(crate) fn section_budget(brief: &WriteBrief, index: usize) -> u32 {
    if let Some(w) = brief.outline.get(index).and_then(|s| s.target_words) {
        return w;
    }
    let n = u32::try_from(brief.outline.len().max(1)).unwrap_or(1);
    // about 20% of the words go to the intro, takeaways, conclusion and FAQ
    (brief.target_words.saturating_mul(4) / 5 / n).max(80)
}

/// The summary of the (up to two) sections before `index`, from the outline, ≤ 150 words.
pub(crate) fn previous_summary(brief: &WriteBrief, index: usize) -> String {
    if index == 0 {
        return "(this is the first section; the introduction comes before it)".to_owned();
    }
    let from = index.saturating_sub(2);
    let text: Vec<String> = brief.outline[from..index]
        .iter()
        .map(|s| format!("\"{}\" covered: {}", s.heading, s.notes))
        .collect();
    let joined = text.join(" ");
    let words: Vec<&str> = joined
        .split_whitespace()
        .take(PREVIOUS_SUMMARY_WORDS)
        .collect();
    words.join(" ")
}

fn article_block(brief: &WriteBrief) -> String {
    format!(
        "[ARTICLE]\nTitle: {}\nPrimary keyword: {}\nOther keywords: {}\nStructure: {}\nAbout: {}\nTarget length: about {} words",
        brief.title,
        brief.primary_keyword,
        brief.keywords.join(", "),
        brief.structure,
        brief.description,
        brief.target_words
    )
}

fn outline_block(brief: &WriteBrief, current: Option<usize>) -> String {
    let mut s = String::from("[OUTLINE]\n");
    for (i, sec) in brief.outline.iter().enumerate() {
        let mark = match current {
            Some(c) if c == i => "  <- THIS SECTION",
            Some(_) => "  (covered elsewhere: do not repeat)",
            None => "",
        };
        s.push_str(&format!("{}. {}{mark}\n", i + 1, sec.heading));
    }
    s
}

fn rules(brief: &WriteBrief) -> String {
    format!(
        "[RULES]\nHTML only with p, h3, h4, ul, ol, li, table, thead, tbody, tr, th, td, strong, em, a (http/https links only), blockquote, code. No h1, no h2, no images, no scripts, no styles. No preamble, no closing remarks outside the requested part. Write in the language \"{}\". Use numbers only when they are general knowledge; otherwise write [[VERIFY]] after the claim.",
        brief.voice.language
    )
}

/// The system prompt of a writing call: the voice, then the (editable) writing guidance.
pub(crate) fn system_prompt(brief: &WriteBrief) -> String {
    let mut s = brief.voice.system("You are an expert writer.");
    s.push_str("\n\n[GUIDANCE]\n");
    s.push_str(&brief.prompt);
    s
}

pub(crate) fn section_prompt(brief: &WriteBrief, index: usize) -> String {
    let sec = &brief.outline[index];
    let format = match sec.format {
        SectionFormat::Paragraphs => "paragraphs of 50–80 words",
        SectionFormat::List => "a short lead paragraph, then a <ul> or <ol> list",
        SectionFormat::Table => "a short lead paragraph, then a <table> with a <th> header row",
    };
    let subheadings = if sec.subheadings.is_empty() {
        String::from("none")
    } else {
        sec.subheadings.join("; ")
    };
    format!(
        "{}\n\n{}\n[PREVIOUS]\n{}\n\n[DIRECTIONS]\nWrite only the body of section {}: \"{}\" (the heading is added for you).\nCover: {}\nH3 subheadings to use: {}\nKeywords to use naturally: {}\nFormat: {format}\nLength: about {} words.\n\n{}\n\nReply as JSON: {{\"html\": \"…\"}}",
        article_block(brief),
        outline_block(brief, Some(index)),
        previous_summary(brief, index),
        index + 1,
        sec.heading,
        sec.notes,
        subheadings,
        if sec.keywords.is_empty() { brief.primary_keyword.clone() } else { sec.keywords.join(", ") },
        section_budget(brief, index),
        rules(brief)
    )
}

/// The most characters of draft the intro, conclusion and FAQ calls carry (so their holds are
/// known before the sections are written).
const DRAFT_MAX_CHARS: usize = 12_000;

fn draft_block(sections: &[String]) -> String {
    // The draft's text, bounded: the intro and ending need its gist, not every word.
    let text = crate::writer::html::html_text(&sections.join("\n"));
    let words: Vec<&str> = text.split_whitespace().take(1500).collect();
    let mut draft = words.join(" ");
    if draft.len() > DRAFT_MAX_CHARS {
        let mut cut = DRAFT_MAX_CHARS;
        while !draft.is_char_boundary(cut) {
            cut -= 1;
        }
        draft.truncate(cut);
    }
    format!("[DRAFT]\n{draft}")
}

/// The intro, conclusion and FAQ prompts around a draft block.
fn ending_prompts(brief: &WriteBrief, draft: &str) -> [String; 3] {
    let head = format!(
        "{}\n\n{}\n{draft}\n",
        article_block(brief),
        outline_block(brief, None)
    );
    let intro = format!("{head}\n[DIRECTIONS]\nWrite the introduction (a one-sentence hook, then two short paragraphs; use the primary keyword \"{}\" in the first sentence or two) and 3–5 key takeaways (one sentence each) with a short heading for them.\n\n{}\n\nReply as JSON: {{\"intro_html\": \"…\", \"takeaways_heading\": \"…\", \"takeaways\": [\"…\"]}}", brief.primary_keyword, rules(brief));
    let conclusion = format!("{head}\n[DIRECTIONS]\nWrite the conclusion: a heading and two short paragraphs that tie the sections together without repeating them.\n\n{}\n\nReply as JSON: {{\"heading\": \"…\", \"html\": \"…\"}}", rules(brief));
    let faq_questions = if brief.faq.is_empty() {
        "3 to 5 questions readers ask about the topic".to_owned()
    } else {
        brief.faq.join(" | ")
    };
    let faq = format!("{head}\n[DIRECTIONS]\nWrite the FAQ: a heading and an answer of 40–80 words (HTML paragraphs) to each of these questions: {faq_questions}\n\n{}\n\nReply as JSON: {{\"heading\": \"…\", \"items\": [{{\"question\": \"…\", \"answer_html\": \"…\"}}]}}", rules(brief));
    [intro, conclusion, faq]
}

fn meta_prompt(brief: &WriteBrief) -> String {
    format!("{}\n\n[DIRECTIONS]\nWrite the search metadata: meta_title of at most {META_TITLE_MAX} characters containing the primary keyword \"{}\"; meta_description of {}–{} characters that makes a searcher click; slug of lowercase words joined by hyphens from the primary keyword; excerpt of one or two sentences.\n\nReply as JSON: {{\"meta_title\": \"…\", \"meta_description\": \"…\", \"slug\": \"…\", \"excerpt\": \"…\"}}", article_block(brief), brief.primary_keyword, META_DESCRIPTION.0, META_DESCRIPTION.1)
}

/// The parts of an article, by checkpoint name, with the most prompt characters each sends
/// (system prompt and schema included): what the article's hold is made of.
fn part_sizes(brief: &WriteBrief, system: &str) -> Vec<(String, usize)> {
    let mut parts = Vec::new();
    for i in 0..brief.outline.len() {
        parts.push((
            format!("section:{i}"),
            section_prompt(brief, i).len() + string_schema(&["html"]).to_string().len(),
        ));
    }
    let [intro, conclusion, faq] = ending_prompts(brief, "[DRAFT]\n");
    parts.push((
        "intro".into(),
        intro.len() + DRAFT_MAX_CHARS + intro_schema().to_string().len(),
    ));
    parts.push((
        "conclusion".into(),
        conclusion.len() + DRAFT_MAX_CHARS + string_schema(&["heading", "html"]).to_string().len(),
    ));
    parts.push((
        "faq".into(),
        faq.len() + DRAFT_MAX_CHARS + faq_schema().to_string().len(),
    ));
    parts.push((
        "meta".into(),
        meta_prompt(brief).len()
            + string_schema(&["meta_title", "meta_description", "slug", "excerpt"])
                .to_string()
                .len(),
    ));
    for p in &mut parts {
        p.1 += system.len();
    }
    parts
}

/// One checkpointed part: the saved answer if there is one, else a call whose validated answer
/// is kept in the same write as its ledger entry, before it is used.
#[allow(clippy::too_many_arguments)]
async fn part<T: Serialize + DeserializeOwned>(
    run: &StageRun,
    task: &Task,
    saved: &Checkpoints,
    hold: Option<&CreditHold>,
    content_hint: Option<ContentId>,
    name: String,
    system: &str,
    prompt: String,
    schema: serde_json::Value,
    validate: impl Fn(&T) -> Result<(), String>,
) -> Result<T, CoreError> {
    let name = name.as_str();
    if let Some(saved) = saved.get::<T>(name) {
        return Ok(saved);
    }
    run.check()?;
    let _slot = run.slot().await?;
    run.say(format!("\u{201c}{}\u{201d}: {name}", task.title));
    let mut call = run.call(AiOperation::ContentGeneration).keep(task.id, name);
    if let Some(c) = content_hint {
        call = call.content(c);
    }
    if let Some(hold) = hold {
        call = call.draw_from(hold.clone());
    }
    Ok(run
        .folio
        .ai_structured_kept::<T>(
            call,
            StructuredRequest {
                chat: chat(system, prompt),
                schema_name: name.replace(':', "_"),
                schema,
            },
            validate,
            run.token(),
        )
        .await?
        .value)
}

/// The parts of a task already written on this device, read once when its article starts.
struct Checkpoints(std::collections::HashMap<String, String>);

impl Checkpoints {
    async fn load(folio: &Folio, task: &Task) -> Result<Self, CoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT part, body FROM write_checkpoints WHERE item = ?")
                .bind(task.id.to_string())
                .fetch_all(&folio.pool)
                .await?;
        Ok(Self(rows.into_iter().collect()))
    }

    /// A damaged checkpoint counts as missing: the part is written again rather than failing
    /// the article.
    fn get<T: DeserializeOwned>(&self, part: &str) -> Option<T> {
        self.0
            .get(part)
            .and_then(|body| serde_json::from_str(body).ok())
    }
}

async fn save_checkpoint<T: Serialize>(
    folio: &Folio,
    task: &Task,
    name: &str,
    value: &T,
) -> Result<(), CoreError> {
    let keep = KeepAnswer {
        item: task.id.to_string(),
        part: name.to_owned(),
    };
    let mut conn = folio.pool.acquire().await?;
    KeptAnswer {
        keep: &keep,
        body: to_json!(value)?,
    }
    .save(&mut conn)
    .await
}

/// Parts of a task already written on this device (for progress and the writer's queue).
pub async fn written_parts(folio: &Folio, task: &Task) -> Result<u64, CoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM write_checkpoints WHERE item = ? AND part <> 'content_id'",
    )
    .bind(task.id.to_string())
    .fetch_one(&folio.pool)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// Write one task's article. Returns the new article's id.
pub(crate) async fn write_task(run: &StageRun, task: &Task) -> Result<Vec<String>, CoreError> {
    let folio = &run.folio;
    let brief = folio.write_brief(task).await?;
    if brief.outline.is_empty() {
        return Err(CoreError::invalid(
            "outline",
            format!("the task \u{201c}{}\u{201d} has no outline to write from; give its idea an outline first", task.title),
        ));
    }
    let system = system_prompt(&brief);
    // The article's id, chosen before the first call (and kept across resumes) so every call's
    // ledger entry is charged to it.
    let saved = Checkpoints::load(folio, task).await?;
    let content_id = match saved.get::<ContentId>("content_id") {
        Some(id) => id,
        None => {
            let id = ContentId(uuid::Uuid::now_v7());
            save_checkpoint(folio, task, "content_id", &id).await?;
            id
        }
    };
    // The article's hold: the most its parts still to write can cost. An article the balance
    // cannot cover never starts; each part's ledger entry draws on the hold in the same write.
    let todo: Vec<usize> = part_sizes(&brief, &system)
        .into_iter()
        .filter(|(name, _)| !saved.0.contains_key(name))
        .map(|(_, chars)| chars)
        .collect();
    let estimate = folio
        .text_calls_estimate(&run.call(AiOperation::ContentGeneration), &todo)
        .await?;
    let hold = match estimate {
        0 => None,
        n => Some(
            folio
                .reserve_credits(AiOperation::ContentGeneration, n)
                .await?,
        ),
    };
    let written = write_article(
        run,
        task,
        &brief,
        &system,
        &saved,
        content_id,
        hold.as_ref(),
    )
    .await;
    if written.is_err() {
        if let Some(hold) = &hold {
            // Otherwise it lapses by itself; meanwhile the balance errs low.
            if let Err(e) = folio.release_credits(hold).await {
                tracing::warn!(error = %e, "could not release an article's credit hold");
            }
        }
    }
    Ok(vec![written?.to_string()])
}

/// The parts still to write, then the article assembled and saved (its hold ended in the
/// same write).
#[allow(clippy::too_many_arguments)]
async fn write_article(
    run: &StageRun,
    task: &Task,
    brief: &WriteBrief,
    system: &str,
    saved: &Checkpoints,
    content_id: ContentId,
    hold: Option<&CreditHold>,
) -> Result<ContentId, CoreError> {
    let folio = &run.folio;
    let cid = Some(content_id);
    // 1. Sections, side by side (each waits for a provider-call slot).
    let sections = futures_util::future::try_join_all((0..brief.outline.len()).map(|i| {
        let budget = section_budget(brief, i);
        let min = (budget / 3).max(20);
        let what = format!("section {}", i + 1);
        part::<SectionPart>(
            run,
            task,
            saved,
            hold,
            cid,
            format!("section:{i}"),
            system,
            section_prompt(brief, i),
            string_schema(&["html"]),
            move |p| check_fragment(&p.html, min, &what),
        )
    }))
    .await?;
    let bodies: Vec<String> = sections.iter().map(|s| s.html.clone()).collect();
    // 2. Intro + takeaways, conclusion and FAQ from the draft.
    let draft = draft_block(&bodies);
    let [intro_prompt, conclusion_prompt, faq_prompt] = ending_prompts(brief, &draft);
    let wanted_faq = brief.faq.len();
    let (intro, conclusion, faq) = tokio::try_join!(
        part::<IntroPart>(
            run,
            task,
            saved,
            hold,
            None,
            "intro".into(),
            system,
            intro_prompt,
            intro_schema(),
            |p| {
                check_fragment(&p.intro_html, 30, "the introduction")?;
                if !(3..=5).contains(&p.takeaways.len()) {
                    return Err(format!("give 3 to 5 takeaways, not {}", p.takeaways.len()));
                }
                Ok(())
            }
        ),
        part::<HeadedPart>(
            run,
            task,
            saved,
            hold,
            None,
            "conclusion".into(),
            system,
            conclusion_prompt,
            string_schema(&["heading", "html"]),
            |p| {
                if p.heading.trim().is_empty() {
                    return Err("the conclusion needs a heading".into());
                }
                check_fragment(&p.html, 30, "the conclusion")
            }
        ),
        part::<FaqPart>(
            run,
            task,
            saved,
            hold,
            None,
            "faq".into(),
            system,
            faq_prompt,
            faq_schema(),
            move |p| {
                if p.heading.trim().is_empty() {
                    return Err("the FAQ needs a heading".into());
                }
                let n = p.items.len();
                if (wanted_faq > 0 && n != wanted_faq) || !(1..=10).contains(&n) {
                    return Err(format!(
                        "answer each of the {} questions once ({n} answers given)",
                        wanted_faq.max(3)
                    ));
                }
                for item in &p.items {
                    check_fragment(&item.answer_html, 15, "an FAQ answer")?;
                }
                Ok(())
            }
        ),
    )?;
    // 3. Meta.
    let primary = brief.primary_keyword.clone();
    let meta_prompt = meta_prompt(brief);
    let meta = part::<MetaPart>(
        run,
        task,
        saved,
        hold,
        None,
        "meta".into(),
        system,
        meta_prompt,
        string_schema(&["meta_title", "meta_description", "slug", "excerpt"]),
        move |m| {
            let t = m.meta_title.trim().chars().count();
            let d = m.meta_description.trim().chars().count();
            let mut problems = Vec::new();
            if t == 0 || t > META_TITLE_MAX {
                problems.push(format!(
                    "meta_title has {t} characters; at most {META_TITLE_MAX}"
                ));
            }
            if !primary.is_empty()
                && !m
                    .meta_title
                    .to_lowercase()
                    .contains(&primary.to_lowercase())
            {
                problems.push(format!("meta_title must contain \"{primary}\""));
            }
            if !(META_DESCRIPTION.0..=META_DESCRIPTION.1).contains(&d) {
                problems.push(format!(
                    "meta_description has {d} characters; write {}–{}",
                    META_DESCRIPTION.0, META_DESCRIPTION.1
                ));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("; "))
            }
        },
    )
    .await?;
    run.check()?;
    // Assemble, sanitise, check, save.
    let mut body = String::new();
    body.push_str(&intro.intro_html);
    body.push_str(&format!(
        "\n<p><strong>{}</strong></p>\n<ul>",
        esc(intro.takeaways_heading.trim())
    ));
    for t in &intro.takeaways {
        body.push_str(&format!("<li>{}</li>", esc(t.trim())));
    }
    body.push_str("</ul>\n");
    let mut headings: Vec<String> = Vec::new();
    for (sec, part) in brief.outline.iter().zip(&sections) {
        body.push_str(&format!("<h2>{}</h2>\n{}\n", esc(&sec.heading), part.html));
        headings.push(sec.heading.clone());
    }
    body.push_str(&format!(
        "<h2>{}</h2>\n{}\n",
        esc(conclusion.heading.trim()),
        conclusion.html
    ));
    headings.push(conclusion.heading.trim().to_owned());
    body.push_str(&format!("<h2>{}</h2>\n", esc(faq.heading.trim())));
    headings.push(faq.heading.trim().to_owned());
    for item in &faq.items {
        body.push_str(&format!(
            "<h3>{}</h3>\n{}\n",
            esc(item.question.trim()),
            item.answer_html
        ));
    }
    let body = sanitize_article_body(&body)?;
    let report = check_quality(&QualityInput {
        title: &brief.title,
        meta_title: &meta.meta_title,
        body_html: &body,
        primary_keyword: &brief.primary_keyword,
        outline: &headings,
        target_word_count: Some(brief.target_words),
        banned_phrases: &brief.voice.banned_phrases,
    });
    save_article(folio, task, content_id, brief, body, meta, &report, hold).await
}

#[allow(clippy::too_many_arguments)]
async fn save_article(
    folio: &Folio,
    task: &Task,
    id: ContentId,
    brief: &WriteBrief,
    body: String,
    meta: MetaPart,
    report: &QualityReport,
    hold: Option<&CreditHold>,
) -> Result<ContentId, CoreError> {
    let mut tx = folio.begin_write().await?;
    let content = folio
        .add_task_content_in(
            &mut tx,
            task.id,
            TaskContent {
                title: brief.title.clone(),
                body_html: body,
                excerpt: meta.excerpt,
                meta_title: meta.meta_title,
                meta_description: meta.meta_description,
                slug: meta.slug,
            },
            Some(id),
        )
        .await?;
    sqlx::query("UPDATE content SET quality = ? WHERE id = ?")
        .bind(to_json!(report)?)
        .bind(content.id.to_string())
        .execute(tx.conn())
        .await?;
    tx.touch(Entity::Content, content.id.as_uuid());
    // The idea's keywords are now used by an article.
    if let Some(idea) = task.idea_id {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT k.id, k.cluster_id FROM keywords k WHERE k.site_id = ?1 AND (k.id = (SELECT primary_keyword_id FROM ideas WHERE id = ?2)
               OR k.id IN (SELECT keyword_id FROM idea_keywords WHERE idea_id = ?2))",
        )
        .bind(task.site_id.to_string())
        .bind(idea.to_string())
        .fetch_all(tx.conn())
        .await?;
        let mut updates = Vec::new();
        for (id, cluster) in rows {
            updates.push((
                crate::store::db::parse_stored("keyword id", &id)?,
                KeywordStatus::Used,
                cluster
                    .map(|c| crate::store::db::parse_stored("cluster id", &c))
                    .transpose()?,
            ));
        }
        set_keyword_clusters(&mut tx, task.site_id, &updates).await?;
    }
    sqlx::query("DELETE FROM write_checkpoints WHERE item = ?")
        .bind(task.id.to_string())
        .execute(tx.conn())
        .await?;
    if let Some(hold) = hold {
        sqlx::query("DELETE FROM credit_holds WHERE id = ?")
            .bind(hold.id.to_string())
            .execute(tx.conn())
            .await?;
    }
    tx.commit().await?;
    Ok(content.id)
}
