<?php
/**
 * Plugin Name: itest answer HTML
 * Description: Simulates a broken plugin or theme that corrupts REST API answers,
 *              so tests can check that a client reports it instead of failing on
 *              a JSON parse error (or, worse, publishing twice).
 *
 * Active only while the file named by ITEST_ANSWER_HTML_FILE (wp-config.php,
 * written by start.sh: $STATE/answer-html) exists; it is read on every request,
 * so a test switches modes by writing or deleting that file, without a restart.
 * Its content selects the failure:
 *
 *   page    Every REST request is answered with a 200 text/html page, the way
 *           maintenance-mode, security and caching plugins or a theme's
 *           "critical error" page do. WordPress' REST server never runs, so
 *           nothing is created or changed.
 *   notice  A PHP warning in HTML (what display_errors=On prints) comes before
 *           the normal JSON body; status and Content-Type (application/json)
 *           stay those of the real answer, as on a host that buffers output.
 */

if (!defined('ITEST_ANSWER_HTML_FILE')) {
    return;
}

function itest_answer_html_mode() {
    if (!is_file(ITEST_ANSWER_HTML_FILE)) {
        return '';
    }
    return trim((string) @file_get_contents(ITEST_ANSWER_HTML_FILE));
}

// 'page': before rest_api_loaded (parse_request, priority 10) dispatches anything.
// Both /wp-json/... and ?rest_route=... end up in the rest_route query var.
add_action('parse_request', function ($wp) {
    if (empty($wp->query_vars['rest_route']) || itest_answer_html_mode() !== 'page') {
        return;
    }
    status_header(200);
    header('Content-Type: text/html; charset=UTF-8');
    nocache_headers();
    echo <<<'HTML'
<!DOCTYPE html>
<html lang="en-US">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width">
<title>WordPress &rsaquo; Error</title>
</head>
<body id="error-page">
<div class="wp-die-message"><p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p></div>
<p>Briefly unavailable for scheduled maintenance. Check back in a minute.</p>
</body>
</html>
HTML;
    exit;
}, 1);

// 'notice': printed just before the REST server echoes its JSON. Printing sends
// the headers the server has set so far (status, application/json), exactly
// what a warning raised while the answer is being sent looks like.
add_filter('rest_pre_serve_request', function ($served) {
    if (!$served && itest_answer_html_mode() === 'notice') {
        echo "<br />\n<b>Warning</b>:  Undefined array key \"itest\" in <b>"
            . WP_CONTENT_DIR . "/plugins/itest-broken/itest-broken.php</b> on line <b>42</b><br />\n";
    }
    return $served;
}, 1);
