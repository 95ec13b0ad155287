<?php
/**
 * setup.php - install a WordPress site without wp-cli (run by start.sh).
 *
 *   php setup.php            (all input comes from environment variables)
 *
 * Env: WP_ROOT (document root with wp-config.php), WP_URL, WP_TITLE,
 *      WP_ADMIN_USER, WP_ADMIN_PASSWORD, WP_ADMIN_EMAIL,
 *      WP_AUTHOR_USER, WP_AUTHOR_PASSWORD, WP_SUBSCRIBER_USER, WP_SUBSCRIBER_PASSWORD,
 *      WP_PERMALINKS (permalink structure, '' = plain ?p=123 links),
 *      WP_APP_PASSWORDS ('0' = the site is expected to refuse Application Passwords).
 *
 * Steps: wp_install() (tables, options, admin user), permalink structure,
 * an 'author' and a 'subscriber' user, and one Application Password per user.
 * Prints shell-sourceable KEY='value' lines on stdout (start.sh appends them
 * to credentials.env); diagnostics go to stderr; exit code != 0 on failure.
 */

function env_or_die($name) {
    $v = getenv($name);
    if ($v === false || $v === '') {
        fwrite(STDERR, "setup.php: missing env $name\n");
        exit(2);
    }
    return $v;
}

function fail($msg) {
    fwrite(STDERR, "setup.php: $msg\n");
    exit(1);
}

function sh_quote($v) {
    return "'" . str_replace("'", "'\\''", (string) $v) . "'";
}

$root = rtrim(env_or_die('WP_ROOT'), '/');
$url  = env_or_die('WP_URL');
$u    = parse_url($url);

// wp-load.php expects a web request; fake the few server vars WordPress reads.
$_SERVER['HTTP_HOST']       = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
$_SERVER['SERVER_NAME']     = $u['host'];
$_SERVER['SERVER_PORT']     = isset($u['port']) ? (string) $u['port'] : '80';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';

define('WP_INSTALLING', true);   // don't redirect to install.php, don't use caches
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-includes/class-wp-application-passwords.php';

if (is_blog_installed()) {
    fail('WordPress is already installed in this database (start.sh drops it before a fresh install)');
}

// 1. The install itself (creates tables, default content, the admin user).
$admin_user = env_or_die('WP_ADMIN_USER');
$result = wp_install(
    env_or_die('WP_TITLE'),
    $admin_user,
    env_or_die('WP_ADMIN_EMAIL'),
    true,                              // blog_public
    '',                                // deprecated
    wp_slash(env_or_die('WP_ADMIN_PASSWORD')),
    'en_US'
);
if (empty($result['user_id'])) {
    fail('wp_install() did not create the admin user');
}
$admin_id = (int) $result['user_id'];

// 2. Pretty permalinks. Rewrite rules are regenerated lazily on the next request.
$permalinks = getenv('WP_PERMALINKS');
update_option('permalink_structure', $permalinks === false ? '/%postname%/' : $permalinks);
delete_option('rewrite_rules');

// 3. Extra users for permission tests.
$users = array('ADMIN' => $admin_id);
foreach (array('AUTHOR' => 'author', 'SUBSCRIBER' => 'subscriber') as $key => $role) {
    $login = env_or_die("WP_{$key}_USER");
    $id = wp_insert_user(array(
        'user_login'   => $login,
        'user_pass'    => env_or_die("WP_{$key}_PASSWORD"),
        'user_email'   => $login . '@example.test',
        'display_name' => ucfirst($role) . ' (itest)',
        'role'         => $role,
    ));
    if (is_wp_error($id)) {
        fail("wp_insert_user($login): " . $id->get_error_message());
    }
    $users[$key] = (int) $id;
}

// 4. One Application Password per user (the REST API's Basic auth credential).
$out = array();
foreach ($users as $key => $id) {
    $created = WP_Application_Passwords::create_new_application_password($id, array('name' => 'itest'));
    if (is_wp_error($created)) {
        fail("application password for user $id: " . $created->get_error_message());
    }
    // $created = array(plain password, item); chunked = "abcd efgh ..." like the UI shows.
    $out["WP_{$key}_ID"]           = $id;
    $out["WP_{$key}_APP_PASSWORD"] = WP_Application_Passwords::chunk_password($created[0]);
}

// Sanity: the REST API will only accept app passwords if this is true
// (needs HTTPS or WP_ENVIRONMENT_TYPE=local). With WP_APP_PASSWORDS=0 the site is
// 'production' over http on purpose: the passwords above exist (created directly,
// which does not check availability) but WordPress refuses them, so a test can
// show that a client reports the site, not the password, as the problem.
$want_available = getenv('WP_APP_PASSWORDS') !== '0';
if (wp_is_application_passwords_available() !== $want_available) {
    fail($want_available
        ? 'application passwords are not available (is WP_ENVIRONMENT_TYPE local?)'
        : 'application passwords are available although WP_APP_PASSWORDS=0 (WP_ENVIRONMENT_TYPE production expected)');
}

$out['WP_VERSION'] = get_bloginfo('version');
foreach ($out as $k => $v) {
    echo $k, '=', sh_quote($v), "\n";
}
