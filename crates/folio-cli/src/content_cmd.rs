//! `folio content …`

use crate::output::{print_json, print_table, Failure};
use crate::revision_cmd;
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::MAX_IMAGE_BYTES;
use folio_core::{CoreError, Folio};
use folio_model::{AttachImage, ContentId, ImageId, NewContent, SectorId, SiteId};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ContentCommand {
    /// Add a hand-written article (a draft) to a site.
    Add(AddArgs),
    /// List a site's articles, newest first.
    List(ListArgs),
    /// One article: its fields, where it is published and what its AI calls cost.
    Show(ShowArgs),
    /// Attach an image file (PNG, JPEG, GIF, WebP or AVIF) to an article, stored in the data
    /// directory: the featured image (replacing the current one) or the next in-article image.
    AttachImage(AttachImageArgs),
    /// An article's images: the featured one first, then in-article ones in order.
    Images(ImagesArgs),
    /// Remove an image from its article (the file stays in the data directory).
    RemoveImage(RemoveImageArgs),
    /// Change an article's title, body (sanitised), meta fields or slug.
    Edit(revision_cmd::EditArgs),
    /// An article's saved versions, newest first, with who saved each and when.
    Revisions(revision_cmd::RevisionsArgs),
    /// One saved version's text.
    Revision(revision_cmd::RevisionArgs),
    /// Make a saved version the article's text again (a new edit; nothing is lost).
    Restore(revision_cmd::RevisionArgs),
    /// Write one section (an H2 and what follows it) again with AI; the rest is kept.
    RewriteSection(revision_cmd::RewriteSectionArgs),
}

impl ContentCommand {
    pub fn json(&self) -> bool {
        match self {
            ContentCommand::Add(a) => a.json.json,
            ContentCommand::List(a) => a.json.json,
            ContentCommand::Show(a) => a.json.json,
            ContentCommand::AttachImage(a) => a.json.json,
            ContentCommand::Images(a) => a.json.json,
            ContentCommand::RemoveImage(a) => a.json.json,
            ContentCommand::Edit(a) => a.json.json,
            ContentCommand::Revisions(a) => a.json.json,
            ContentCommand::Revision(a) | ContentCommand::Restore(a) => a.json.json,
            ContentCommand::RewriteSection(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    site: SiteId,
    /// Default: the site's first sector.
    #[arg(long)]
    sector: Option<SectorId>,
    #[arg(long)]
    title: String,
    /// The article body as HTML (without an H1: the title is separate).
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ShowArgs {
    id: ContentId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct AttachImageArgs {
    /// The article.
    #[arg(long)]
    content: ContentId,
    /// The image file.
    file: PathBuf,
    /// Make it the featured image (replaces the current one).
    #[arg(long)]
    featured: bool,
    /// Alt text (default: the article's title).
    #[arg(long, value_name = "TEXT", default_value = "")]
    alt: String,
    #[arg(long, value_name = "TEXT", default_value = "")]
    caption: String,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ImagesArgs {
    /// The article.
    id: ContentId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct RemoveImageArgs {
    image: ImageId,
    #[command(flatten)]
    json: JsonFlag,
}

pub async fn run(folio: &Folio, command: ContentCommand) -> Result<(), Failure> {
    match command {
        ContentCommand::Add(a) => add(folio, a).await,
        ContentCommand::List(a) => list(folio, a).await,
        ContentCommand::Show(a) => show(folio, a).await,
        ContentCommand::AttachImage(a) => attach_image(folio, a).await,
        ContentCommand::Images(a) => images(folio, a).await,
        ContentCommand::RemoveImage(a) => remove_image(folio, a).await,
        ContentCommand::Edit(a) => revision_cmd::edit(folio, a).await,
        ContentCommand::Revisions(a) => revision_cmd::revisions(folio, a).await,
        ContentCommand::Revision(a) => revision_cmd::revision(folio, a).await,
        ContentCommand::Restore(a) => revision_cmd::restore(folio, a).await,
        ContentCommand::RewriteSection(a) => revision_cmd::rewrite_section(folio, a).await,
    }
}

async fn attach_image(folio: &Folio, args: AttachImageArgs) -> Result<(), Failure> {
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Bounded, so picking a video by mistake does not load gigabytes only to be told it is too
    // large.
    let bytes = folio_core::files::read_bounded(
        &args.file,
        MAX_IMAGE_BYTES,
        "file",
        &format!("\u{201c}{file_name}\u{201d}"),
    )
    .await?;
    let image = folio
        .attach_image(AttachImage {
            content: args.content,
            file_name,
            bytes,
            featured: args.featured,
            alt_text: args.alt,
            caption: args.caption,
        })
        .await?;
    if args.json.json {
        return print_json(&image);
    }
    println!("Attached {}", args.file.display());
    println!("  id:       {}", image.id);
    println!("  type:     {}", image.image_type);
    if !image.is_featured() {
        println!(
            "  position: {} (with H2 number {})",
            image.position,
            image.position + 1
        );
    }
    println!("  alt:      {}", image.alt_text);
    if let Some(path) = folio.image_file(&image) {
        println!("  stored:   {}", path.display());
    }
    Ok(())
}

async fn images(folio: &Folio, args: ImagesArgs) -> Result<(), Failure> {
    let items = folio.list_images(args.id).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "items": items }));
    }
    if items.is_empty() {
        println!(
            "No images yet. Attach one with: folio content attach-image --content {} FILE [--featured]",
            args.id
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let file = match (folio.image_file(i), &i.local_path, &i.url) {
                (Some(path), _, _) => path.display().to_string(),
                // rows sync between devices, files do not
                (None, Some(_), _) => "(file not on this device)".to_owned(),
                (None, None, Some(url)) => url.clone(),
                (None, None, None) => "-".to_owned(),
            };
            vec![
                i.id.to_string(),
                i.image_type.to_string(),
                if i.is_featured() {
                    "-".to_owned()
                } else {
                    i.position.to_string()
                },
                i.status.to_string(),
                i.alt_text.clone(),
                file,
            ]
        })
        .collect();
    print_table(&["ID", "TYPE", "POSITION", "STATUS", "ALT", "FILE"], &rows);
    Ok(())
}

async fn remove_image(folio: &Folio, args: RemoveImageArgs) -> Result<(), Failure> {
    folio.remove_image(args.image).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "removed": args.image }));
    }
    println!("Removed image {}", args.image);
    Ok(())
}

async fn show(folio: &Folio, args: ShowArgs) -> Result<(), Failure> {
    let content = folio.get_content(args.id).await?;
    let cost = folio.content_cost(args.id).await?;
    if args.json.json {
        let mut value = serde_json::to_value(&content).map_err(|e| Failure::Other(e.into()))?;
        value["ai_cost"] = serde_json::to_value(&cost).map_err(|e| Failure::Other(e.into()))?;
        return print_json(&value);
    }
    println!("\u{201c}{}\u{201d}", content.title);
    println!("  id:       {}", content.id);
    println!("  slug:     {}", content.slug);
    println!("  words:    {}", content.word_count);
    println!("  status:   {}", content.status);
    println!("  on site:  {}", content.site_status);
    if let Some(url) = &content.external_url {
        println!("  url:      {url}");
    }
    println!(
        "  AI cost:  ${} ({} credits; {} calls, {} tokens in, {} out, {} images)",
        folio_model::usd(cost.cost_usd),
        cost.credits,
        cost.calls,
        cost.tokens_in,
        cost.tokens_out,
        cost.images
    );
    Ok(())
}

async fn add(folio: &Folio, args: AddArgs) -> Result<(), Failure> {
    let body_html = match &args.body_file {
        Some(path) => Some(tokio::fs::read_to_string(path).await.map_err(|source| {
            Failure::from(CoreError::ReadFile {
                path: path.clone(),
                source,
            })
        })?),
        None => None,
    };
    let content = folio
        .add_content(NewContent {
            site: args.site,
            sector: args.sector,
            title: args.title,
            body_html,
        })
        .await?;
    if args.json.json {
        return print_json(&content);
    }
    println!("Added \u{201c}{}\u{201d}", content.title);
    println!("  id:     {}", content.id);
    println!("  slug:   {}", content.slug);
    println!("  words:  {}", content.word_count);
    println!("  status: {}", content.status);
    Ok(())
}

async fn list(folio: &Folio, args: ListArgs) -> Result<(), Failure> {
    let items = folio.list_content(args.site).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "items": items }));
    }
    if items.is_empty() {
        println!("No content yet. Add some with: folio content add --site ID --title TITLE");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.status.to_string(),
                c.site_status.to_string(),
                c.word_count.to_string(),
                c.title.clone(),
            ]
        })
        .collect();
    print_table(&["ID", "STATUS", "ON SITE", "WORDS", "TITLE"], &rows);
    Ok(())
}
