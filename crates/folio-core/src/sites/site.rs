//! Sites: validation (name, domain, sectors) and storage; one site with its sectors.

use crate::sites::sectors::sectors_of;
use crate::store::db::{not_found, parse_stored};
use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{
    AccountId, NewSite, Sector, SectorId, Site, SiteId, SiteList, MAX_SECTORS_PER_SITE,
};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use url::{Host, Url};
use uuid::Uuid;

/// The sector a site gets when none is named, so that every site has the 1 sector the seed requires.
pub const DEFAULT_SECTOR_NAME: &str = "General";

const MAX_NAME_CHARS: usize = 255;

/// A [`NewSite`] that passed validation, in normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSite {
    pub name: String,
    pub name_key: String,
    pub domain: String,
    /// (display name, key), in the order given.
    pub sectors: Vec<(String, String)>,
}

/// Check a site request against every rule that needs no database.
pub fn validate(input: &NewSite) -> Result<ValidSite, CoreError> {
    let name = tidy(&input.name);
    if name.is_empty() {
        return Err(CoreError::invalid("name", "Enter a name for the site"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::invalid(
            "name",
            format!("A site name can be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let domain = normalize_domain(&input.domain)?;

    let mut sectors = Vec::new();
    let mut seen = HashSet::new();
    for raw in &input.sectors {
        let sector = tidy(raw);
        if sector.is_empty() {
            return Err(CoreError::invalid(
                "sectors",
                "A sector name cannot be empty",
            ));
        }
        if sector.chars().count() > MAX_NAME_CHARS {
            return Err(CoreError::invalid(
                "sectors",
                format!("A sector name can be at most {MAX_NAME_CHARS} characters"),
            ));
        }
        let key = name_key(&sector);
        if !seen.insert(key.clone()) {
            return Err(CoreError::invalid(
                "sectors",
                format!("The sector \u{201c}{sector}\u{201d} is listed twice"),
            ));
        }
        sectors.push((sector, key));
    }
    if sectors.len() > MAX_SECTORS_PER_SITE {
        return Err(CoreError::invalid(
            "sectors",
            format!(
                "A site can have at most {MAX_SECTORS_PER_SITE} sectors ({} given)",
                sectors.len()
            ),
        ));
    }
    if sectors.is_empty() {
        sectors.push((
            DEFAULT_SECTOR_NAME.to_owned(),
            name_key(DEFAULT_SECTOR_NAME),
        ));
    }
    Ok(ValidSite {
        name_key: name_key(&name),
        name,
        domain,
        sectors,
    })
}

/// Accept a bare domain (`Example.com` → `example.com`) or an http(s) site URL
/// (`https://Example.com/blog/` → `https://example.com/blog`). Internationalised names are kept in
/// their ASCII (punycode) form, which is what WordPress and DNS use.
pub fn normalize_domain(input: &str) -> Result<String, CoreError> {
    let raw = input.trim();
    let bad = || {
        CoreError::invalid(
            "domain",
            format!("\u{201c}{raw}\u{201d} is not a valid domain or URL; enter something like example.com or https://example.com"),
        )
    };
    if raw.is_empty() {
        return Err(CoreError::invalid(
            "domain",
            "Enter the site's domain, e.g. example.com",
        ));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let has_scheme = raw.contains("://");
    let url = if has_scheme {
        Url::parse(raw)
    } else {
        Url::parse(&format!("https://{raw}"))
    }
    .map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CoreError::invalid(
            "domain",
            "Only http:// and https:// site addresses are supported",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CoreError::invalid(
            "domain",
            "Leave the user name and password out of the site address; Folio asks for them when you connect WordPress",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(CoreError::invalid(
            "domain",
            "A site address cannot contain ? or #; enter just the domain or the site's home URL",
        ));
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => {
            check_domain_name(d).map_err(|why| {
                CoreError::invalid(
                    "domain",
                    format!("\u{201c}{raw}\u{201d} is not a valid domain: {why}"),
                )
            })?;
            d.to_owned()
        }
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => format!("[{ip}]"),
        None => return Err(bad()),
    };
    let path = url.path().trim_end_matches('/');
    if !has_scheme && url.port().is_none() && path.is_empty() {
        return Ok(host);
    }
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    Ok(format!("{}://{host}{port}{path}", url.scheme()))
}

fn check_domain_name(d: &str) -> Result<(), String> {
    if d == "localhost" {
        return Ok(());
    }
    if d.len() > 253 {
        return Err("it is longer than 253 characters".into());
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return Err("add the top-level domain, e.g. .com".into());
    }
    for label in &labels {
        if label.is_empty() {
            return Err("it has an empty part between dots".into());
        }
        if label.len() > 63 {
            return Err("a part between dots is longer than 63 characters".into());
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "\u{201c}{label}\u{201d} contains characters a domain cannot have"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "\u{201c}{label}\u{201d} starts or ends with a hyphen"
            ));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the top-level domain cannot be a number".into());
    }
    Ok(())
}

/// A `sites` row as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct SiteRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub domain: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SectorRow {
    id: String,
    site_id: String,
    name: String,
}

fn parse_id<T: FromStr>(what: &str, s: &str) -> Result<T, CoreError> {
    T::from_str(s).map_err(|_| CoreError::Corrupt(format!("{what} id {s:?} is not a UUID")))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Folio {
    /// Create a site with its sectors in the current account.
    pub async fn create_site(&self, input: &NewSite) -> Result<Site, CoreError> {
        let valid = validate(input)?;
        let duplicate_name = || CoreError::Conflict {
            field: "name",
            message: format!(
                "A site named \u{201c}{}\u{201d} already exists; choose another name",
                valid.name
            ),
        };
        let mut tx = self.begin_write().await?;
        if let Some(plan) = self.plan_limits().await? {
            let (count,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM sites WHERE account_id = ?")
                    .bind(self.account_id.to_string())
                    .fetch_one(tx.conn())
                    .await?;
            if count >= i64::from(plan.max_sites) {
                return Err(CoreError::Limit(format!(
                    "The {} plan allows {} site{}, and this account has {count}. Upgrade the plan or remove a site to add another",
                    plan.plan_name,
                    plan.max_sites,
                    if plan.max_sites == 1 { "" } else { "s" }
                )));
            }
        }
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM sites WHERE account_id = ? AND name_key = ?")
                .bind(self.account_id.to_string())
                .bind(&valid.name_key)
                .fetch_optional(tx.conn())
                .await?;
        if exists.is_some() {
            return Err(duplicate_name());
        }
        let now = Utc::now();
        let site_id = SiteId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO sites (id, account_id, name, name_key, domain, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(site_id.to_string())
        .bind(self.account_id.to_string())
        .bind(&valid.name)
        .bind(&valid.name_key)
        .bind(&valid.domain)
        .bind(now)
        .execute(tx.conn())
        .await
        // another process may have taken the name between our check and the insert
        .map_err(|e| if is_unique_violation(&e) { duplicate_name() } else { e.into() })?;

        let mut sectors = Vec::with_capacity(valid.sectors.len());
        for (position, (name, key)) in valid.sectors.iter().enumerate() {
            let id = SectorId(Uuid::now_v7());
            sqlx::query(
                "INSERT INTO sectors (id, site_id, name, name_key, position, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id.to_string())
            .bind(site_id.to_string())
            .bind(name)
            .bind(key)
            .bind(position as i64)
            .bind(now)
            .execute(tx.conn())
            .await?;
            tx.touch(Entity::Sector, id.as_uuid());
            sectors.push(Sector {
                id,
                name: name.clone(),
            });
        }
        tx.touch(Entity::Site, site_id.as_uuid());
        tx.commit().await?;
        tracing::info!(site_id = %site_id, sectors = sectors.len(), "site created");
        Ok(Site {
            id: site_id,
            account_id: self.account_id,
            name: valid.name,
            domain: valid.domain,
            is_active: true,
            created_at: now,
            sectors,
        })
    }

    /// Every site of the current account, oldest first, each with its sectors in order.
    pub async fn list_sites(&self) -> Result<SiteList, CoreError> {
        let account = self.account_id.to_string();
        let rows: Vec<SiteRow> = sqlx::query_as(
            "SELECT id, account_id, name, domain, is_active, created_at FROM sites
             WHERE account_id = ? ORDER BY created_at, id",
        )
        .bind(&account)
        .fetch_all(&self.pool)
        .await?;
        let sector_rows: Vec<SectorRow> = sqlx::query_as(
            "SELECT s.id, s.site_id, s.name FROM sectors s JOIN sites ON sites.id = s.site_id
             WHERE sites.account_id = ? ORDER BY s.site_id, s.position",
        )
        .bind(&account)
        .fetch_all(&self.pool)
        .await?;
        let mut by_site: HashMap<String, Vec<Sector>> = HashMap::new();
        for r in sector_rows {
            let id = parse_id("sector", &r.id)?;
            by_site
                .entry(r.site_id)
                .or_default()
                .push(Sector { id, name: r.name });
        }
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(Site {
                    id: parse_id("site", &r.id)?,
                    account_id: parse_id::<AccountId>("account", &r.account_id)?,
                    sectors: by_site.remove(&r.id).unwrap_or_default(),
                    name: r.name,
                    domain: r.domain,
                    is_active: r.is_active,
                    created_at: r.created_at,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        Ok(SiteList { items })
    }
}

impl Folio {
    /// One site of the current account with its sectors in order.
    pub async fn get_site(&self, id: SiteId) -> Result<Site, CoreError> {
        let mut conn = self.pool.acquire().await?;
        let row: Option<SiteRow> = sqlx::query_as(
            "SELECT id, account_id, name, domain, is_active, created_at FROM sites
             WHERE id = ? AND account_id = ?",
        )
        .bind(id.to_string())
        .bind(self.account_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
        let row = row.ok_or_else(|| not_found(format!("site {id}")))?;
        let sectors = sectors_of(&mut conn, id)
            .await?
            .into_iter()
            .map(|s| {
                Ok(Sector {
                    id: parse_stored("sector id", &s.id)?,
                    name: s.name,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        Ok(Site {
            id: parse_stored("site id", &row.id)?,
            account_id: parse_stored("account id", &row.account_id)?,
            name: row.name,
            domain: row.domain,
            is_active: row.is_active,
            created_at: row.created_at,
            sectors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str, domain: &str, sectors: &[&str]) -> NewSite {
        NewSite {
            name: name.into(),
            domain: domain.into(),
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn domains_are_normalised() {
        for (input, want) in [
            ("example.com", "example.com"),
            ("  Example.COM  ", "example.com"),
            ("example.com/", "example.com"),
            ("www.example.co.uk", "www.example.co.uk"),
            ("https://Example.com/", "https://example.com"),
            ("http://example.com/blog/", "http://example.com/blog"),
            ("example.com/blog", "https://example.com/blog"),
            ("example.com:8080", "https://example.com:8080"),
            ("http://localhost:8080", "http://localhost:8080"),
            ("http://127.0.0.1:8881", "http://127.0.0.1:8881"),
            ("bücher.de", "xn--bcher-kva.de"),
        ] {
            assert_eq!(normalize_domain(input).unwrap(), want, "input {input:?}");
        }
    }

    #[test]
    fn bad_domains_are_rejected_on_the_domain_field() {
        for input in [
            "",
            "   ",
            "not a domain",
            "example",
            "exa_mple.com",
            "-example.com",
            "example-.com",
            "example..com",
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?p=1",
            "https://example.com:99999",
            "example.123",
            "http://",
        ] {
            let err = normalize_domain(input).unwrap_err();
            assert_eq!(err.field(), Some("domain"), "input {input:?}");
            assert_eq!(err.kind(), folio_model::ErrorKind::Validation);
        }
    }

    #[test]
    fn names_and_sectors_are_checked() {
        assert_eq!(
            validate(&site(" ", "a.com", &[])).unwrap_err().field(),
            Some("name")
        );
        let long = "x".repeat(256);
        assert_eq!(
            validate(&site(&long, "a.com", &[])).unwrap_err().field(),
            Some("name")
        );
        let six = ["a", "b", "c", "d", "e", "f"];
        let err = validate(&site("S", "a.com", &six)).unwrap_err();
        assert_eq!(err.field(), Some("sectors"));
        assert!(err.to_string().contains("at most 5"), "{err}");
        let err = validate(&site("S", "a.com", &["Garden", " garden "])).unwrap_err();
        assert!(err.to_string().contains("listed twice"), "{err}");
        assert_eq!(
            validate(&site("S", "a.com", &["ok", ""]))
                .unwrap_err()
                .field(),
            Some("sectors")
        );
    }

    #[test]
    fn a_site_without_sectors_gets_the_default_one() {
        let v = validate(&site("My  Blog", "a.com", &[])).unwrap();
        assert_eq!(v.name, "My Blog");
        assert_eq!(
            v.sectors,
            vec![("General".to_owned(), "general".to_owned())]
        );
        let v = validate(&site(
            "S",
            "a.com",
            &["Tools", "Seeds", "Soil", "Pots", "Sheds"],
        ))
        .unwrap();
        assert_eq!(v.sectors.len(), 5);
    }
}
