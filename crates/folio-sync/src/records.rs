//! Which records a document may hold — the trust rule shared by every device and the server.
//!
//! Automerge has no access control, and the server's grants are per document: anybody who may
//! write one document of an account (every editor may write the account document) can put any
//! key into it. A record is therefore believed only where it belongs (DESIGN §3, "Trust inside
//! an account"):
//! - its table's home is this kind of document (`content` only in an article's document, never
//!   in the account document);
//! - its scope — the column naming the account, site or article it belongs to, or for a child
//!   table its parent record in the same document — is this document's own id;
//! - the fields that make up its key say the same as the key it is stored under, so a record
//!   cannot be stored under one id and written over another;
//! - where the caller knows the document's site (the server does, from its registry), a record
//!   naming a site names that one.
//!
//! Keys that are not records of a known table (a later release's tables) are not judged: the
//! device ignores what it does not know. In a keyword bucket document a batch must name the
//! bucket's site; a decision names a keyword by id only, so the device applies it to its own
//! site's keywords alone.
//!
//! Pinned by the unit tests below, `crates/folio-core/tests/hostile_member.rs` (a device) and
//! `crates/folio-server/tests/hostile_member.rs` (the server).

use crate::keyword_batch::{read_batch, BATCH_PREFIX};
use crate::{DocId, DocKind};
use automerge::{
    AutoCommit, ChangeHash, ObjType, PatchAction, Prop, ReadDoc, ScalarValue, Value, ROOT,
};
use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;
use std::fmt;
use uuid::Uuid;

/// Where a record says it belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A column of the record holds the owning account, site or article id.
    Column(&'static str),
    /// A child record: `column` holds the id of a record of `parent` in the same document,
    /// and that record's scope is this one's.
    Parent {
        column: &'static str,
        parent: &'static str,
    },
}

/// One synced table: the document kind it lives in and how a record names its owner.
#[derive(Clone, Copy, Debug)]
pub struct RecordRule {
    pub table: &'static str,
    pub home: DocKind,
    pub pk: &'static [&'static str],
    pub scope: Scope,
    /// A column naming the record's site when the scope is not the site itself (an article's
    /// `content` row); checked where the document's site is known.
    pub site_column: Option<&'static str>,
}

const fn rule(
    table: &'static str,
    home: DocKind,
    pk: &'static [&'static str],
    scope: &'static str,
) -> RecordRule {
    RecordRule {
        table,
        home,
        pk,
        scope: Scope::Column(scope),
        site_column: None,
    }
}

const fn child(
    table: &'static str,
    pk: &'static [&'static str],
    column: &'static str,
    parent: &'static str,
) -> RecordRule {
    RecordRule {
        table,
        home: DocKind::Plan,
        pk,
        scope: Scope::Parent { column, parent },
        site_column: None,
    }
}

/// Every table whose records sync in documents. The desktop's mirror (`folio-core`
/// `store::mirror::TABLES`) lists the same tables with their SQL; a test there keeps the two
/// lists in step.
pub static RULES: &[RecordRule] = &[
    rule("accounts", DocKind::Account, &["id"], "id"),
    rule(
        "account_settings",
        DocKind::Account,
        &["account_id", "key"],
        "account_id",
    ),
    rule(
        "module_settings",
        DocKind::Account,
        &["account_id"],
        "account_id",
    ),
    rule(
        "account_prompts",
        DocKind::Account,
        &["account_id", "prompt_type"],
        "account_id",
    ),
    rule("author_profiles", DocKind::Account, &["id"], "account_id"),
    rule("credit_ledger", DocKind::Account, &["id"], "account_id"),
    rule("sites", DocKind::Site, &["id"], "id"),
    rule("sectors", DocKind::Site, &["id"], "site_id"),
    rule(
        "site_settings",
        DocKind::Site,
        &["site_id", "key"],
        "site_id",
    ),
    rule(
        "publishing_settings",
        DocKind::Site,
        &["site_id"],
        "site_id",
    ),
    rule("automation_configs", DocKind::Site, &["site_id"], "site_id"),
    rule("site_integrations", DocKind::Site, &["id"], "site_id"),
    rule("taxonomy_terms", DocKind::Site, &["id"], "site_id"),
    rule("keyword_imports", DocKind::Site, &["id"], "site_id"),
    rule("clusters", DocKind::Plan, &["id"], "site_id"),
    rule("ideas", DocKind::Plan, &["id"], "site_id"),
    child(
        "idea_keywords",
        &["idea_id", "keyword_id"],
        "idea_id",
        "ideas",
    ),
    rule("tasks", DocKind::Plan, &["id"], "site_id"),
    child(
        "task_prompts",
        &["task_id", "prompt_type"],
        "task_id",
        "tasks",
    ),
    RecordRule {
        site_column: Some("site_id"),
        ..rule("content", DocKind::Article, &["id"], "id")
    },
    rule("images", DocKind::Article, &["id"], "content_id"),
    rule(
        "content_terms",
        DocKind::Article,
        &["content_id", "term_id"],
        "content_id",
    ),
    rule(
        "publishing_records",
        DocKind::Article,
        &["id"],
        "content_id",
    ),
];

/// The rule of a table, if it is one that syncs.
pub fn rule_for(table: &str) -> Option<&'static RecordRule> {
    RULES.iter().find(|r| r.table == table)
}

/// A record's document key: `"{table}:{pk}"` (a composite pk is a JSON array).
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    key.split_once(':')
}

/// The id a record's scope must name in this document: the account, the site, or the article.
/// `None` for the documents that hold no table records (keyword buckets, the article index).
pub fn doc_scope(doc: &DocId) -> Option<Uuid> {
    match *doc {
        DocId::Account(id) | DocId::Site(id) | DocId::Plan(id) | DocId::Article(id) => Some(id),
        DocId::Keywords { .. } | DocId::Articles(_) => None,
    }
}

/// Why a record was not believed. Carries ids and table names only — never a field's value
/// other than the id it named.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Foreign {
    #[error(
        "{doc} holds a {table} record ({key}), but {table} records live only in {home} documents"
    )]
    WrongHome {
        doc: DocId,
        key: String,
        table: &'static str,
        home: DocKind,
    },
    #[error(
        "{doc} holds {key}, which names {found} as its owner instead of this document's {expected}"
    )]
    WrongScope {
        doc: DocId,
        key: String,
        found: String,
        expected: Uuid,
    },
    #[error("{doc} holds {key}, whose own key fields say {found}")]
    KeyMismatch {
        doc: DocId,
        key: String,
        found: String,
    },
    #[error("{doc} holds {key}, which names site {found} while the document is site {expected}'s")]
    WrongSite {
        doc: DocId,
        key: String,
        found: String,
        expected: Uuid,
    },
}

/// A record's fields read from its map (text as a string, booleans as 0/1, as SQLite keeps
/// them).
pub fn fields(
    doc: &impl ReadDoc,
    obj: &automerge::ObjId,
) -> Result<Map<String, Json>, automerge::AutomergeError> {
    let mut out = Map::new();
    for col in doc.keys(obj) {
        let value = match doc.get(obj, &col)? {
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Str(s) => Json::String(s.to_string()),
                ScalarValue::Int(i) => Json::from(*i),
                ScalarValue::Uint(u) => Json::from(*u),
                ScalarValue::F64(f) => Json::from(*f),
                ScalarValue::Boolean(b) => Json::from(i64::from(*b)),
                ScalarValue::Timestamp(t) => Json::from(*t),
                ScalarValue::Counter(c) => Json::from(i64::from(c)),
                _ => Json::Null,
            },
            Some((Value::Object(ObjType::Text), id)) => Json::String(doc.text(&id)?),
            _ => continue,
        };
        out.insert(col, value);
    }
    Ok(out)
}

/// A sealed record's fields, from the one string value it is kept as (`None`: not a JSON
/// object).
pub fn sealed(value: &ScalarValue) -> Option<Map<String, Json>> {
    value
        .as_str()
        .and_then(|json| serde_json::from_str(json).ok())
}

/// The record at `key`, whichever way it is kept (a map, or one sealed JSON string); `None`
/// when the key is absent or holds something else.
pub fn read(
    doc: &impl ReadDoc,
    key: &str,
) -> Result<Option<Map<String, Json>>, automerge::AutomergeError> {
    Ok(match doc.get(ROOT, key)? {
        Some((Value::Object(ObjType::Map), obj)) => Some(fields(doc, &obj)?),
        Some((Value::Scalar(value), _)) => sealed(&value),
        _ => None,
    })
}

fn as_id(value: Option<&Json>) -> Option<String> {
    match value? {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// The key fields of a record as its document key spells them: the id, or the JSON array of a
/// composite key (the form SQLite's `json_array` writes).
fn key_of(rule: &RecordRule, record: &Map<String, Json>) -> Option<String> {
    if let [one] = rule.pk {
        return as_id(record.get(*one));
    }
    let parts: Vec<Json> = rule
        .pk
        .iter()
        .map(|c| record.get(*c).cloned().unwrap_or(Json::Null))
        .collect();
    Some(Json::Array(parts).to_string())
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Column(c) => f.write_str(c),
            Scope::Parent { column, parent } => write!(f, "{column} → {parent}"),
        }
    }
}

/// Judge one record of `doc` stored at `key` (read with [`read`]). `site` is the document's
/// site when the caller knows it. `Ok` for keys that are not records of a known table.
pub fn check(
    doc_id: &DocId,
    site: Option<Uuid>,
    doc: &impl ReadDoc,
    key: &str,
    record: &Map<String, Json>,
) -> Result<(), Foreign> {
    let Some((table, pk)) = split_key(key) else {
        return Ok(());
    };
    let Some(rule) = rule_for(table) else {
        return Ok(());
    };
    let wrong_home = || Foreign::WrongHome {
        doc: *doc_id,
        key: key.to_owned(),
        table: rule.table,
        home: rule.home,
    };
    if doc_id.kind() != rule.home {
        return Err(wrong_home());
    }
    let Some(expected) = doc_scope(doc_id) else {
        return Err(wrong_home());
    };
    if let Some(found) = key_of(rule, record) {
        if found != pk {
            return Err(Foreign::KeyMismatch {
                doc: *doc_id,
                key: key.to_owned(),
                found,
            });
        }
    }
    let owner = match rule.scope {
        Scope::Column(column) => as_id(record.get(column)),
        Scope::Parent { column, parent } => {
            // The parent must be in this same document, and belong here itself.
            let parent_record = as_id(record.get(column))
                .map(|id| format!("{parent}:{id}"))
                .and_then(|k| read(doc, &k).ok().flatten().map(|r| (k, r)));
            match parent_record {
                Some((parent_key, parent_fields)) => {
                    check(doc_id, site, doc, &parent_key, &parent_fields)?;
                    Some(expected.to_string())
                }
                None => None,
            }
        }
    };
    if owner.as_deref() != Some(expected.to_string().as_str()) {
        return Err(Foreign::WrongScope {
            doc: *doc_id,
            key: key.to_owned(),
            found: owner.unwrap_or_else(|| format!("nothing ({})", rule.scope)),
            expected,
        });
    }
    if let (Some(column), Some(site)) = (rule.site_column, site) {
        let found = as_id(record.get(column));
        if found.as_deref() != Some(site.to_string().as_str()) {
            return Err(Foreign::WrongSite {
                doc: *doc_id,
                key: key.to_owned(),
                found: found.unwrap_or_else(|| "none".into()),
                expected: site,
            });
        }
    }
    Ok(())
}

/// The root keys a change between two sets of heads touched; `None` when it cannot tell (then
/// every key counts as touched).
pub fn changed_keys(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    for patch in doc.diff(before, after) {
        let first = patch.path.first().map(|(_, p)| p.clone());
        let key = match (first, &patch.action) {
            (Some(Prop::Map(k)), _) => k,
            (None, PatchAction::PutMap { key, .. }) | (None, PatchAction::DeleteMap { key }) => {
                key.clone()
            }
            (None, PatchAction::Conflict { prop: Prop::Map(k) }) => k.clone(),
            _ => return None,
        };
        keys.insert(key);
    }
    Some(keys)
}

/// Every present record among `keys` that does not belong in `doc_id` (the server's check of
/// the keys a change touched; `None`: every key). In a keyword bucket, a batch naming another
/// site. Deleted keys are not judged: a record that is gone projects to nothing, and a device
/// checks the row it would delete against its own scope.
pub fn foreign_records(
    doc_id: &DocId,
    site: Option<Uuid>,
    doc: &AutoCommit,
    keys: Option<&BTreeSet<String>>,
) -> Result<Vec<Foreign>, automerge::AutomergeError> {
    let all: Vec<String>;
    let keys: Vec<&String> = match keys {
        Some(k) => k.iter().collect(),
        None => {
            all = doc.keys(ROOT).collect();
            all.iter().collect()
        }
    };
    let mut out = Vec::new();
    for key in keys {
        if let DocId::Keywords { site, .. } = *doc_id {
            if key.starts_with(BATCH_PREFIX) {
                if let Some(batch) = read_batch(doc, key) {
                    if batch.site != site {
                        out.push(Foreign::WrongSite {
                            doc: *doc_id,
                            key: key.clone(),
                            found: batch.site.to_string(),
                            expected: site,
                        });
                    }
                }
            }
        }
        let Some(rule) = split_key(key).and_then(|(table, _)| rule_for(table)) else {
            continue;
        };
        if doc_id.kind() != rule.home {
            // Out of place whatever it holds.
            if doc.get(ROOT, key)?.is_some() {
                out.push(Foreign::WrongHome {
                    doc: *doc_id,
                    key: key.clone(),
                    table: rule.table,
                    home: rule.home,
                });
            }
            continue;
        }
        let Some(record) = read(doc, key)? else {
            continue;
        };
        if let Err(foreign) = check(doc_id, site, doc, key, &record) {
            out.push(foreign);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{transaction::Transactable, AutoCommit};

    fn put(doc: &mut AutoCommit, key: &str, fields: &[(&str, &str)]) {
        let obj = doc.put_object(ROOT, key, ObjType::Map).unwrap();
        for (k, v) in fields {
            doc.put(&obj, *k, *v).unwrap();
        }
    }

    fn judge(
        doc_id: &DocId,
        site: Option<Uuid>,
        doc: &AutoCommit,
        key: &str,
    ) -> Result<(), Foreign> {
        let record = read(doc, key).unwrap().unwrap();
        check(doc_id, site, doc, key, &record)
    }

    #[test]
    fn a_record_is_believed_only_at_home_and_in_its_own_scope() {
        let (site, other) = (Uuid::now_v7(), Uuid::now_v7());
        let account = DocId::Account(Uuid::now_v7());
        let mut doc = AutoCommit::new();
        let content = Uuid::now_v7().to_string();
        let key = format!("content:{content}");
        put(
            &mut doc,
            &key,
            &[("id", &content), ("site_id", &other.to_string())],
        );
        // content in the account document: wrong home
        assert!(matches!(
            judge(&account, None, &doc, &key),
            Err(Foreign::WrongHome {
                table: "content",
                home: DocKind::Article,
                ..
            })
        ));
        // in an article document that is not its own: wrong scope
        let elsewhere = DocId::Article(Uuid::now_v7());
        assert!(matches!(
            judge(&elsewhere, None, &doc, &key),
            Err(Foreign::WrongScope { .. })
        ));
        // in its own article document: believed, unless the server knows the site differs
        let own = DocId::Article(content.parse().unwrap());
        assert_eq!(judge(&own, None, &doc, &key), Ok(()));
        assert_eq!(judge(&own, Some(other), &doc, &key), Ok(()));
        assert!(matches!(
            judge(&own, Some(site), &doc, &key),
            Err(Foreign::WrongSite { .. })
        ));
    }

    #[test]
    fn a_record_stored_under_one_id_cannot_name_another() {
        let site = Uuid::now_v7();
        let doc_id = DocId::Site(site);
        let mut doc = AutoCommit::new();
        let (stored, named) = (Uuid::now_v7(), Uuid::now_v7());
        let key = format!("site_integrations:{stored}");
        put(
            &mut doc,
            &key,
            &[("id", &named.to_string()), ("site_id", &site.to_string())],
        );
        assert!(matches!(
            judge(&doc_id, None, &doc, &key),
            Err(Foreign::KeyMismatch { .. })
        ));
        // composite keys are compared as the JSON array the key spells
        let key = format!("site_settings:[\"{site}\",\"ai.temperature\"]");
        put(
            &mut doc,
            &key,
            &[("site_id", &site.to_string()), ("key", "ai.temperature")],
        );
        assert_eq!(judge(&doc_id, None, &doc, &key), Ok(()));
        let key = format!("site_settings:[\"{site}\",\"ai.model\"]");
        put(
            &mut doc,
            &key,
            &[("site_id", &site.to_string()), ("key", "ai.temperature")],
        );
        assert!(matches!(
            judge(&doc_id, None, &doc, &key),
            Err(Foreign::KeyMismatch { .. })
        ));
    }

    #[test]
    fn a_child_belongs_where_its_parent_in_the_same_document_belongs() {
        let (site, other) = (Uuid::now_v7(), Uuid::now_v7());
        let plan = DocId::Plan(site);
        let mut doc = AutoCommit::new();
        let (idea, stray) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        put(
            &mut doc,
            &format!("ideas:{idea}"),
            &[("id", &idea), ("site_id", &site.to_string())],
        );
        put(
            &mut doc,
            &format!("ideas:{stray}"),
            &[("id", &stray), ("site_id", &other.to_string())],
        );
        let child = |idea: &str| format!("idea_keywords:[\"{idea}\",\"k1\"]");
        for idea_id in [&idea, &stray] {
            put(
                &mut doc,
                &child(idea_id),
                &[("idea_id", idea_id), ("keyword_id", "k1")],
            );
        }
        assert_eq!(judge(&plan, None, &doc, &child(&idea)), Ok(()));
        assert!(judge(&plan, None, &doc, &child(&stray)).is_err());
        // a parent that is not in this document does not vouch for the child
        let absent = Uuid::now_v7().to_string();
        put(
            &mut doc,
            &child(&absent),
            &[("idea_id", &absent), ("keyword_id", "k1")],
        );
        assert!(matches!(
            judge(&plan, None, &doc, &child(&absent)),
            Err(Foreign::WrongScope { .. })
        ));
    }

    #[test]
    fn foreign_records_lists_what_a_change_planted_and_ignores_other_keys() {
        let account_id = Uuid::now_v7();
        let account = DocId::Account(account_id);
        let mut doc = AutoCommit::new();
        let site = Uuid::now_v7().to_string();
        put(
            &mut doc,
            &format!("account_settings:[\"{account_id}\",\"ai.model\"]"),
            &[("account_id", &account_id.to_string()), ("key", "ai.model")],
        );
        put(
            &mut doc,
            &format!("site_integrations:{site}"),
            &[("id", &site), ("site_id", &site)],
        );
        doc.put(ROOT, format!("content:{site}"), "not a record")
            .unwrap();
        doc.put(ROOT, "schema", 2).unwrap();
        doc.put(ROOT, "a_later_table:1", "x").unwrap();
        let found = foreign_records(&account, None, &doc, None).unwrap();
        let tables: Vec<&str> = found
            .iter()
            .map(|f| match f {
                Foreign::WrongHome { table, .. } => *table,
                _ => "?",
            })
            .collect();
        assert_eq!(tables, ["content", "site_integrations"]);
    }

    #[test]
    fn every_scope_column_is_a_key_or_owner_column() {
        for rule in RULES {
            assert!(!rule.pk.is_empty(), "{}", rule.table);
            if let Scope::Parent { parent, .. } = rule.scope {
                let parent = rule_for(parent).unwrap();
                assert_eq!(parent.home, rule.home, "{}", rule.table);
            }
        }
        assert_eq!(rule_for("content").unwrap().home, DocKind::Article);
        assert!(rule_for("keywords").is_none());
    }
}
