//! The site doctor: every reason publishing could fail, checked in order and explained in
//! words a site owner can act on. It never fails; what it could not check is `Skipped`.

use folio_model::{CheckOutcome, DoctorCheck, DoctorReport};

use crate::client::{ClientOptions, Credentials};
use crate::discovery::discover_with_index;
use crate::error::{WpError, WpErrorKind};
use crate::site::WpUser;

const CHECK_IDS: [(&str, &str); 8] = [
    ("rest_reachable", "The REST API can be reached"),
    ("json", "The REST API answers clean JSON"),
    ("app_passwords", "Application passwords are available"),
    ("login", "The user name and application password work"),
    ("can_publish", "The user may publish posts"),
    ("can_upload", "The user may upload images"),
    ("can_create_categories", "The user may create categories"),
    ("seo_meta", "SEO title and description can be set"),
];

const HTACCESS_FIX: &str = "add `SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1` (or `CGIPassAuth On`) to the site's .htaccess";

const SEO_SNIPPET: &str = "install an SEO plugin that exposes its fields to the REST API, or add this to a small plugin (wp-content/mu-plugins/folio-seo.php): \
<?php add_action('init', function () { foreach (['_yoast_wpseo_title', '_yoast_wpseo_metadesc', '_yoast_wpseo_focuskw'] as $key) { \
register_post_meta('post', $key, ['type' => 'string', 'single' => true, 'show_in_rest' => true, \
'auth_callback' => function ($allowed, $meta_key, $post_id) { return current_user_can('edit_post', $post_id); }]); } });";

struct Report {
    checks: Vec<DoctorCheck>,
}

impl Report {
    fn push(&mut self, id: &str, outcome: CheckOutcome, explanation: String, fix: Option<String>) {
        let title = CHECK_IDS
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, t)| *t)
            .unwrap_or(id);
        self.checks.push(DoctorCheck {
            id: id.to_owned(),
            title: title.to_owned(),
            outcome,
            explanation,
            fix,
        });
    }

    fn pass(&mut self, id: &str, explanation: impl Into<String>) {
        self.push(id, CheckOutcome::Pass, explanation.into(), None);
    }

    fn fail(&mut self, id: &str, explanation: impl Into<String>, fix: impl Into<String>) {
        self.push(id, CheckOutcome::Fail, explanation.into(), Some(fix.into()));
    }

    fn warn(&mut self, id: &str, explanation: impl Into<String>, fix: impl Into<String>) {
        self.push(id, CheckOutcome::Warn, explanation.into(), Some(fix.into()));
    }

    /// Every check not yet reported is skipped, for `reason`.
    fn skip_rest(&mut self, reason: &str) {
        for (id, _) in CHECK_IDS {
            if !self.checks.iter().any(|c| c.id == id) {
                self.push(
                    id,
                    CheckOutcome::Skipped,
                    format!("Not checked: {reason}."),
                    None,
                );
            }
        }
    }
}

/// Checks a site from any of its addresses, logged in with `credentials` when given.
pub async fn doctor(
    site_url: &str,
    credentials: Option<Credentials>,
    options: ClientOptions,
) -> DoctorReport {
    let mut report = Report { checks: Vec::new() };
    let mut out = DoctorReport {
        site_url: site_url.to_owned(),
        api_root: None,
        roles: Vec::new(),
        checks: Vec::new(),
    };
    let found = discover_with_index(site_url, credentials.clone(), options).await;
    let (client, index) = match found {
        Ok(found) => found,
        Err(e) => {
            match e.kind() {
                WpErrorKind::NotJson => {
                    report.pass("rest_reachable", "WordPress's REST API address was found.");
                    report.fail(
                        "json",
                        format!("The REST API answers with something other than JSON: {e}"),
                        "Look at the site's PHP error log, or disable plugins one by one (starting with recently installed ones) until the REST API answers clean JSON; switching to a default theme for a moment tells whether the theme is the cause.",
                    );
                }
                WpErrorKind::Auth | WpErrorKind::Forbidden => report.fail(
                    "rest_reachable",
                    format!("The site's REST API refuses the request: {e}"),
                    "A security plugin (Disable REST API, Wordfence, iThemes Security, …) or the host's firewall restricts the REST API: allow it for logged-in users, and check the user name and application password.",
                ),
                WpErrorKind::NoRestApi => report.fail(
                    "rest_reachable",
                    format!("No WordPress REST API answered at this address. {e}"),
                    "Check that the address is the WordPress site (open it in a browser). If it is, a security plugin (Wordfence, iThemes Security, Disable REST API, …) or the host's firewall may be blocking /wp-json/; allow the REST API for logged-in users.",
                ),
                _ => report.fail(
                    "rest_reachable",
                    format!("The site could not be reached: {e}"),
                    "Check the address for typos and that the site opens in a browser from this computer.",
                ),
            }
            report.skip_rest("the REST API could not be used");
            out.checks = report.checks;
            return out;
        }
    };
    out.api_root = Some(client.api_root().to_owned());
    report.pass(
        "rest_reachable",
        format!(
            "Found the REST API of \"{}\" at {}.",
            index.name,
            client.api_root()
        ),
    );
    report.pass("json", "The REST API answers clean JSON.");

    let app_passwords = index.app_passwords_authorization.is_some();
    if app_passwords {
        report.pass("app_passwords", "The site offers application passwords.");
    } else {
        report.fail(
            "app_passwords",
            "The site does not offer application passwords, so Folio cannot log in. WordPress only offers them when the site uses HTTPS (or is marked as a local development site), and some security plugins switch them off.",
            "Serve the site over HTTPS (most hosts offer a free certificate), or allow application passwords in the security plugin that disables them; development sites can set `define('WP_ENVIRONMENT_TYPE', 'local');` in wp-config.php.",
        );
    }

    let Some(creds) = credentials.as_ref() else {
        report.fail(
            "login",
            "No user name and application password were given, so Folio cannot log in.",
            "Create an application password under Users → Profile → Application Passwords in wp-admin and connect with it.",
        );
        report.skip_rest("Folio is not logged in");
        out.checks = report.checks;
        return out;
    };

    let user = match client.me().await {
        Ok(user) => user,
        Err(e) => {
            login_failure(&mut report, &creds.user, app_passwords, &e);
            report.skip_rest("the login did not work");
            out.checks = report.checks;
            return out;
        }
    };
    report.pass(
        "login",
        format!(
            "Logged in as {} ({}).",
            user.name,
            if user.roles.is_empty() {
                "no role".to_owned()
            } else {
                user.roles.join(", ")
            }
        ),
    );
    out.roles = user.roles.clone();
    capability_checks(&mut report, &user);

    match client.seo_meta_keys().await {
        Ok(keys) if !keys.is_empty() => report.pass(
            "seo_meta",
            format!("Folio can set these SEO fields: {}.", keys.join(", ")),
        ),
        Ok(_) => report.warn(
            "seo_meta",
            "The site does not let the REST API write an SEO title, description or focus keyword (Yoast and Rank Math do not expose them by default), so Folio will publish without them.",
            SEO_SNIPPET,
        ),
        Err(e) => report.warn(
            "seo_meta",
            format!("Could not read which fields the site accepts: {e}"),
            SEO_SNIPPET,
        ),
    }
    out.checks = report.checks;
    out
}

fn login_failure(report: &mut Report, user: &str, app_passwords: bool, e: &WpError) {
    match e.kind() {
        WpErrorKind::Auth if app_passwords => report.fail(
            "login",
            format!(
                "WordPress did not accept the login for user {user}. Either the application password is wrong or was revoked, \
                 or the web server (Apache with CGI/FastCGI is the usual case) removes the Authorization header before WordPress sees it — \
                 from the outside both look the same."
            ),
            format!(
                "Create a new application password under Users → Profile → Application Passwords (the normal login password does not work) \
                 and connect with it. If a fresh password fails too, {HTACCESS_FIX}."
            ),
        ),
        WpErrorKind::Auth | WpErrorKind::AppPasswordsUnavailable => report.push(
            "login",
            CheckOutcome::Skipped,
            "Not checked: WordPress ignores application passwords while they are unavailable (see above).".to_owned(),
            None,
        ),
        _ => report.fail(
            "login",
            format!("Checking the login failed: {e}"),
            "Try again; if it keeps failing, fix the problem described above first.",
        ),
    }
}

fn capability_checks(report: &mut Report, user: &WpUser) {
    let role = if user.roles.is_empty() {
        "this user".to_owned()
    } else {
        format!("a {} user", user.roles.join("/"))
    };
    if user.can("publish_posts") {
        report.pass("can_publish", "The user may publish posts.");
    } else {
        report.fail(
            "can_publish",
            format!("WordPress does not let {role} publish posts."),
            "In wp-admin → Users, give this user the Author role (or Editor/Administrator), or connect with another user.",
        );
    }
    if user.can("upload_files") {
        report.pass("can_upload", "The user may upload images.");
    } else {
        report.fail(
            "can_upload",
            format!("WordPress does not let {role} upload files, so articles cannot get images."),
            "Give this user the Author role or above in wp-admin → Users.",
        );
    }
    if user.can("manage_categories") {
        report.pass("can_create_categories", "The user may create categories.");
    } else {
        report.warn(
            "can_create_categories",
            format!("WordPress does not let {role} create categories; Folio can still publish into categories that already exist, and can create tags."),
            "Create the categories in wp-admin first, or give this user the Editor role.",
        );
    }
}
