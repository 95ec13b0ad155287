//! Stage 5: an article → image prompts → images.
//!
//! One call writes the featured prompt and one in-article prompt per H2 section (up to
//! `ai.max_images`), each naming a concrete subject from its section, with alt text (≤ 125
//! characters) and a caption. The prompts are saved at once as `pending` images — the stage's
//! checkpoint — then each image is generated through the stage's image model, stored
//! content-addressed like attached images and marked `generated` (or `failed`; a failed image
//! never fails its article). Images cost per image produced.

use crate::ai::calls::KeepAnswer;
use crate::pipeline::chat;
use crate::pipeline::checkpoints;
use crate::pipeline::runner::StageRun;
use crate::store::db::{now, ts};
use crate::writer::html::html_text;
use crate::writer::image_files;
use crate::writer::images::insert_image;
use crate::{CoreError, Entity, Folio};
use folio_ai::{ImageRequest, StructuredRequest};
use folio_model::{
    AiOperation, Content, Image, ImageDimensions, ImageId, ImageStatus, ImageType, ModelType,
    PromptKind, SettingKey, Stage,
};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

pub const MAX_ALT_CHARS: usize = 125;

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct PromptsAnswer {
    pub featured: ImagePrompt,
    pub in_article: Vec<ImagePrompt>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct ImagePrompt {
    pub prompt: String,
    pub alt: String,
    pub caption: String,
}

fn schema() -> serde_json::Value {
    let item = serde_json::json!({"type": "object", "additionalProperties": false,
        "required": ["prompt", "alt", "caption"],
        "properties": {"prompt": {"type": "string"}, "alt": {"type": "string"}, "caption": {"type": "string"}}});
    serde_json::json!({"type": "object", "additionalProperties": false, "required": ["featured", "in_article"],
        "properties": {"featured": item, "in_article": {"type": "array", "items": item}}})
}

/// The article's H2 sections: (heading, text).
pub(crate) fn sections(body_html: &str) -> Vec<(String, String)> {
    let lower = body_html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<h2").map(|i| i + at) {
        let Some(close) = lower[start..].find("</h2>").map(|i| i + start) else {
            break;
        };
        let head_start = lower[start..close]
            .find('>')
            .map_or(close, |i| start + i + 1);
        let next = lower[close..]
            .find("<h2")
            .map_or(body_html.len(), |i| i + close);
        out.push((
            html_text(&body_html[head_start..close]).trim().to_owned(),
            html_text(&body_html[close + 5..next]).trim().to_owned(),
        ));
        at = next;
    }
    out
}

/// Words a subject can be named by: 4+ letters.
fn content_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

pub(crate) fn validate(
    a: &PromptsAnswer,
    title: &str,
    sections: &[(String, String)],
    wanted: usize,
) -> Result<(), String> {
    let mut problems = Vec::new();
    if a.in_article.len() != wanted {
        problems.push(format!(
            "give exactly {wanted} in-article prompts, one per section in order ({} given)",
            a.in_article.len()
        ));
    }
    let check = |p: &ImagePrompt, what: &str, source: &str, problems: &mut Vec<String>| {
        if p.prompt.trim().is_empty() {
            problems.push(format!("{what} has no prompt"));
        }
        let alt = p.alt.trim().chars().count();
        if alt == 0 || alt > MAX_ALT_CHARS {
            problems.push(format!(
                "{what}: alt text has {alt} characters; write 1–{MAX_ALT_CHARS}"
            ));
        }
        let words = content_words(source);
        if !content_words(&p.prompt).iter().any(|w| words.contains(w)) {
            problems.push(format!(
                "{what}: the prompt must name a concrete subject from its section"
            ));
        }
    };
    let intro = sections.first().map(|s| s.1.as_str()).unwrap_or_default();
    check(
        &a.featured,
        "the featured prompt",
        &format!("{title} {intro}"),
        &mut problems,
    );
    for (i, (p, (heading, text))) in a.in_article.iter().zip(sections).enumerate() {
        check(
            p,
            &format!("in-article prompt {} (\"{heading}\")", i + 1),
            &format!("{heading} {text}"),
            &mut problems,
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Generate an article's images: prompts first (unless saved), then every pending image.
pub(crate) async fn images_for(
    run: &StageRun,
    content: &Content,
) -> Result<Vec<String>, CoreError> {
    let folio = &run.folio;
    let mut images = folio.list_images(content.id).await?;
    if !images.iter().any(|i| !i.prompt.is_empty()) {
        images = write_prompts(run, content).await?;
    }
    let model = folio
        .stage_model(content.site_id, SettingKey::ImagesModel, ModelType::Image)
        .await?;
    let settings = folio.ai_settings(Some(content.site_id)).await?;
    let size: ImageDimensions =
        settings
            .image_size
            .value
            .as_str()
            .parse()
            .unwrap_or(ImageDimensions {
                width: 1024,
                height: 1024,
            });
    let template = folio
        .resolve_prompt(PromptKind::ImagePromptTemplate, None)
        .await?
        .text;
    let negative = folio
        .resolve_prompt(PromptKind::NegativePrompt, None)
        .await?
        .text;
    let mut made = Vec::new();
    for image in images
        .iter()
        .filter(|i| i.status == ImageStatus::Pending && !i.prompt.is_empty())
    {
        run.check()?;
        // an image a stopped run paid for (its file stored with the charge) is used, not bought
        // again
        let keep = KeepAnswer {
            item: image.id.to_string(),
            part: "image".into(),
        };
        if let Some(path) = checkpoints::kept::<String>(folio, &keep).await? {
            mark(
                folio,
                image,
                ImageStatus::Generated,
                Some(&path),
                &model.provider,
                Some(&keep),
            )
            .await?;
            made.push(image.id.to_string());
            continue;
        }
        let prompt = crate::ai::prompts::render(
            &template,
            &[
                ("IGNY8_IMAGE_STYLE", settings.image_style.value.as_str()),
                ("IGNY8_TITLE", &content.title),
                ("IGNY8_IMAGE_PROMPT", &image.prompt),
            ],
        )?;
        let req = ImageRequest {
            model: model.model_name.clone(),
            prompt,
            negative_prompt: Some(negative.clone()),
            width: size.width,
            height: size.height,
            quality: Some(settings.image_quality.value.as_str().to_owned()),
            style: None,
            count: 1,
            timeout: None,
        };
        let result = {
            let _slot = run.slot().await?;
            run.say(format!(
                "\u{201c}{}\u{201d}: image {}",
                content.title,
                image.position + 1
            ));
            folio
                .ai_images(
                    run.call_with(AiOperation::ImageGeneration, &model.model_name)
                        .content(content.id)
                        .keep(image.id, "image"),
                    req,
                    run.token(),
                )
                .await
        };
        let stored = match result {
            Ok(r) => match r.images.into_iter().next() {
                Some(img) => store_image(folio, &img.bytes).await,
                None => Err(CoreError::invalid(
                    "image",
                    "the provider returned no image",
                )),
            },
            Err(e) => Err(e),
        };
        match stored {
            Ok(path) => {
                mark(
                    folio,
                    image,
                    ImageStatus::Generated,
                    Some(&path),
                    &model.provider,
                    Some(&keep),
                )
                .await?;
                made.push(image.id.to_string());
            }
            Err(CoreError::Cancelled) => return Err(CoreError::Cancelled),
            Err(e) => {
                // A failed image never fails its article.
                mark(
                    folio,
                    image,
                    ImageStatus::Failed,
                    None,
                    &model.provider,
                    Some(&keep),
                )
                .await?;
                crate::pipeline::runner::record_failure(
                    folio,
                    Stage::Images,
                    &image.id.to_string(),
                    &content.title,
                    &e.to_string(),
                    None,
                )
                .await?;
            }
        }
    }
    Ok(made)
}

async fn store_image(folio: &Folio, bytes: &[u8]) -> Result<String, CoreError> {
    image_files::store_provider_image(folio.data_dir(), bytes).await
}

async fn mark(
    folio: &Folio,
    image: &Image,
    status: ImageStatus,
    path: Option<&str>,
    provider: &str,
    kept: Option<&KeepAnswer>,
) -> Result<(), CoreError> {
    let mut tx = folio.begin_write().await?;
    if let Some(keep) = kept {
        checkpoints::forget(tx.conn(), keep).await?;
    }
    sqlx::query("UPDATE images SET status = ?, local_path = COALESCE(?, local_path), provider = ?, updated_at = ? WHERE id = ?")
        .bind(folio_model::Status::as_str(status))
        .bind(path)
        .bind(provider)
        .bind(ts(now()))
        .bind(image.id.to_string())
        .execute(tx.conn())
        .await?;
    tx.touch(Entity::Image, image.id.as_uuid());
    tx.commit().await
}

async fn write_prompts(run: &StageRun, content: &Content) -> Result<Vec<Image>, CoreError> {
    let folio = &run.folio;
    let settings = folio.ai_settings(Some(content.site_id)).await?;
    let secs = sections(&content.body_html);
    let wanted = secs
        .len()
        .min(usize::try_from(settings.max_images.value).unwrap_or(4));
    let template = folio
        .resolve_prompt(PromptKind::ImagePromptExtraction, None)
        .await?
        .text;
    let full = html_text(&content.body_html);
    let text = full
        .split_whitespace()
        .take(2500)
        .collect::<Vec<_>>()
        .join(" ");
    let mut prompt = crate::ai::prompts::render(
        &template,
        &[
            ("IGNY8_TITLE", &content.title),
            ("IGNY8_IMAGE_STYLE", settings.image_style.value.as_str()),
            ("IGNY8_CONTENT", &text),
            ("IGNY8_MAX_IMAGES", &wanted.to_string()),
        ],
    )?;
    prompt.push_str("\n\n[SECTIONS]\n");
    for (i, (h, _)) in secs.iter().take(wanted).enumerate() {
        prompt.push_str(&format!("{}. {h}\n", i + 1));
    }
    prompt.push_str(&format!("\n[RULES]\nOne featured prompt and exactly {wanted} in-article prompts, one for each of the first {wanted} sections above in order. Each prompt names a concrete subject from its own section, in words the section uses. Alt text: at most {MAX_ALT_CHARS} characters, describing the image. Caption: one short sentence.\n\nReply as JSON: {{\"featured\": {{\"prompt\": \"…\", \"alt\": \"…\", \"caption\": \"…\"}}, \"in_article\": [{{\"prompt\": \"…\", \"alt\": \"…\", \"caption\": \"…\"}}]}}"));
    let model = folio
        .stage_text_model_for(content.site_id, SettingKey::ImagePromptsModel)
        .await?;
    let title = content.title.clone();
    let used: Vec<(String, String)> = secs.into_iter().take(wanted).collect();
    let keep = KeepAnswer {
        item: content.id.to_string(),
        part: "image_prompts".into(),
    };
    let kept = checkpoints::kept::<PromptsAnswer>(folio, &keep)
        .await?
        .filter(|a| validate(a, &title, &used, wanted).is_ok());
    let answer = if let Some(answer) = kept {
        answer
    } else {
        let _slot = run.slot().await?;
        run.say(format!("\u{201c}{}\u{201d}: image prompts", content.title));
        folio
            .ai_structured_kept::<PromptsAnswer>(
                run.call_with(AiOperation::ImagePromptExtraction, &model)
                    .content(content.id)
                    .keep(content.id, "image_prompts"),
                StructuredRequest {
                    chat: chat(
                        &run.folio
                            .site_voice(content.site_id)
                            .await?
                            .system("You are an art director choosing an article's images."),
                        prompt,
                    ),
                    schema_name: "image_prompts".into(),
                    schema: schema(),
                },
                |a| validate(a, &title, &used, wanted),
                run.token(),
            )
            .await?
            .value
    };
    let mut tx = folio.begin_write().await?;
    // Replace rows without a prompt (none are generated: the caller checked) with the prompts.
    let at = now();
    let mut out = Vec::new();
    let featured_taken: Option<(String,)> =
        sqlx::query_as("SELECT id FROM images WHERE content_id = ? AND image_type = 'featured'")
            .bind(content.id.to_string())
            .fetch_optional(tx.conn())
            .await?;
    let mut rows = Vec::new();
    if featured_taken.is_none() {
        rows.push((ImageType::Featured, 0u32, &answer.featured));
    }
    let (next,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM images WHERE content_id = ? AND image_type = 'in_article'",
    )
    .bind(content.id.to_string())
    .fetch_one(tx.conn())
    .await?;
    let next = u32::try_from(next).unwrap_or(0);
    for (i, p) in answer.in_article.iter().enumerate() {
        rows.push((
            ImageType::InArticle,
            next + u32::try_from(i).unwrap_or(0),
            p,
        ));
    }
    for (image_type, position, p) in rows {
        let image = Image {
            id: ImageId(Uuid::now_v7()),
            content_id: content.id,
            image_type,
            url: None,
            local_path: None,
            alt_text: crate::text::tidy(&p.alt),
            caption: p.caption.trim().to_owned(),
            position,
            prompt: p.prompt.trim().to_owned(),
            provider: None,
            status: ImageStatus::Pending,
            created_at: at,
            external_media_id: None,
        };
        insert_image(tx.conn(), &image).await?;
        tx.touch(Entity::Image, image.id.as_uuid());
        out.push(image);
    }
    checkpoints::forget(tx.conn(), &keep).await?;
    tx.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_read_from_the_h2s() {
        let s = sections("<p>Intro</p><h2>Soil</h2><p>Loamy soil drains.</p><h2 class=\"x\">Water</h2><ul><li>Deeply</li></ul>");
        assert_eq!(
            s,
            vec![
                ("Soil".into(), "Loamy soil drains.".into()),
                ("Water".into(), "Deeply".into())
            ]
        );
        assert!(sections("<p>none</p>").is_empty());
    }

    #[test]
    fn prompts_must_fit_their_sections() {
        let secs = vec![("Soil".to_string(), "Loamy soil drains well".to_string())];
        let a: PromptsAnswer = serde_json::from_value(serde_json::json!({
            "featured": {"prompt": "A rose garden at dawn", "alt": "Roses", "caption": "c"},
            "in_article": [{"prompt": "A sunset over mountains", "alt": "x".repeat(130), "caption": "c"}]
        })).unwrap();
        let err = validate(&a, "Growing roses", &secs, 1).unwrap_err();
        assert!(err.contains("concrete subject"), "{err}");
        assert!(err.contains("130 characters"), "{err}");
        let ok: PromptsAnswer = serde_json::from_value(serde_json::json!({
            "featured": {"prompt": "Climbing roses on a fence", "alt": "Roses", "caption": "c"},
            "in_article": [{"prompt": "Hands crumbling loamy soil", "alt": "Soil", "caption": "c"}]
        }))
        .unwrap();
        assert_eq!(validate(&ok, "Growing roses", &secs, 1), Ok(()));
    }
}
