/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <webkit/webkit.h>

#include "pigeon-html-sanitizer.h"
#include "pigeon-html-view.h"

struct _PigeonHtmlView
{
  GtkWidget parent_instance;

  GtkWidget *web_view; /* WebKitWebView */
  PigeonMimeMessage *message;
  /* What to load once the content filter is ready. */
  char *pending_html;
  gboolean pending_allow_remote;
  gboolean filter_added;
};

G_DEFINE_FINAL_TYPE (PigeonHtmlView, pigeon_html_view, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_OPEN_URI,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Shared by every view of the process. */
static WebKitWebContext *web_context;
static WebKitNetworkSession *network_session;
static WebKitUserContentFilter *block_filter;
static GPtrArray *views_waiting_for_filter; /* PigeonHtmlView, not owned */

/* WebKit's content blocker regular expressions have no alternation, so
 * one rule per scheme that reaches the network. The sanitizer already
 * removed such URLs; this is the second line. */
static const char block_rules[] = "["
                                  "{\"trigger\":{\"url-filter\":\"^https?:\"},\"action\":{\"type\":\"block\"}},"
                                  "{\"trigger\":{\"url-filter\":\"^wss?:\"},\"action\":{\"type\":\"block\"}},"
                                  "{\"trigger\":{\"url-filter\":\"^ftp:\"},\"action\":{\"type\":\"block\"}},"
                                  "{\"trigger\":{\"url-filter\":\"^file:\"},\"action\":{\"type\":\"block\"}}"
                                  "]";

static void load (PigeonHtmlView *self, const char *html, gboolean allow_remote);

/* cid: --------------------------------------------------------------------- */

static PigeonMimePart *
find_part_by_content_id (PigeonMimePart *part, const char *content_id)
{
  g_autofree char *id = pigeon_mime_part_dup_content_id (part);

  if (id != NULL && strcmp (id, content_id) == 0)
    return part;
  for (guint i = 0; i < pigeon_mime_part_get_n_children (part); i++)
    {
      PigeonMimePart *found = find_part_by_content_id (pigeon_mime_part_get_child (part, i), content_id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* RFC 2392: "cid:" then the Content-ID, URL-encoded. Only images are
 * served; anything else in the message stays out of the page. */
static void
cid_request_cb (WebKitURISchemeRequest *request, gpointer user_data)
{
  GtkWidget *web_view = GTK_WIDGET (webkit_uri_scheme_request_get_web_view (request));
  GtkWidget *parent = web_view != NULL ? gtk_widget_get_parent (web_view) : NULL;
  const char *uri = webkit_uri_scheme_request_get_uri (request);
  g_autofree char *content_id = g_uri_unescape_string (uri + strlen ("cid:"), NULL);
  PigeonMimePart *part = NULL;
  g_autoptr (GError) error = NULL;

  if (PIGEON_IS_HTML_VIEW (parent) && PIGEON_HTML_VIEW (parent)->message != NULL && content_id != NULL)
    part = find_part_by_content_id (pigeon_mime_message_get_root (PIGEON_HTML_VIEW (parent)->message), content_id);
  if (part != NULL && pigeon_mime_part_is_type (part, "image", NULL))
    {
      g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
      g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_bytes (data);

      webkit_uri_scheme_request_finish (request, stream, g_bytes_get_size (data),
                                        pigeon_mime_part_get_mime_type (part));
      return;
    }
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No image part %s", uri);
  webkit_uri_scheme_request_finish_error (request, error);
}

/* The shared context ------------------------------------------------------ */

static void
filter_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) waiting = g_steal_pointer (&views_waiting_for_filter);

  block_filter =
      webkit_user_content_filter_store_save_finish (WEBKIT_USER_CONTENT_FILTER_STORE (source), result, &error);
  if (block_filter == NULL)
    g_warning ("The HTML view's content filter did not compile, so HTML mail stays hidden: %s", error->message);
  for (guint i = 0; block_filter != NULL && i < waiting->len; i++)
    {
      PigeonHtmlView *view = g_ptr_array_index (waiting, i);
      g_autofree char *html = g_steal_pointer (&view->pending_html);

      if (html != NULL)
        load (view, html, view->pending_allow_remote);
    }
}

static void
ensure_shared_context (void)
{
  g_autofree char *path = NULL;
  g_autoptr (WebKitUserContentFilterStore) store = NULL;
  g_autoptr (GBytes) rules = NULL;

  if (web_context != NULL)
    return;
  web_context = webkit_web_context_new ();
  webkit_web_context_register_uri_scheme (web_context, "cid", cid_request_cb, NULL, NULL);
  network_session = webkit_network_session_new_ephemeral ();
  views_waiting_for_filter = g_ptr_array_new ();
  path = g_build_filename (g_get_user_cache_dir (), "pigeon", "content-filters", NULL);
  store = webkit_user_content_filter_store_new (path);
  rules = g_bytes_new_static (block_rules, strlen (block_rules));
  webkit_user_content_filter_store_save (store, "block-network", rules, NULL, filter_saved_cb, NULL);
}

/* Policy ------------------------------------------------------------------ */

/* Only our own load_html() navigates; a clicked link goes out through
 * "open-uri" (http, https and mailto only); everything else (redirects,
 * forms, new windows) is refused. */
static gboolean
decide_policy_cb (WebKitWebView *web_view,
                  WebKitPolicyDecision *decision,
                  WebKitPolicyDecisionType type,
                  gpointer user_data)
{
  PigeonHtmlView *self = PIGEON_HTML_VIEW (user_data);
  WebKitNavigationAction *action;
  const char *uri;

  if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE)
    {
      webkit_policy_decision_use (decision);
      return TRUE;
    }
  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));
  if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION &&
      webkit_navigation_action_get_navigation_type (action) == WEBKIT_NAVIGATION_TYPE_OTHER &&
      g_strcmp0 (uri, "about:blank") == 0)
    {
      webkit_policy_decision_use (decision);
      return TRUE;
    }
  if (webkit_navigation_action_get_navigation_type (action) == WEBKIT_NAVIGATION_TYPE_LINK_CLICKED &&
      (g_str_has_prefix (uri, "http://") || g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "mailto:")))
    g_signal_emit (self, signals[SIGNAL_OPEN_URI], 0, uri);
  webkit_policy_decision_ignore (decision);
  return TRUE;
}

/* Loading ----------------------------------------------------------------- */

static void
load (PigeonHtmlView *self, const char *html, gboolean allow_remote)
{
  WebKitUserContentManager *manager = webkit_web_view_get_user_content_manager (WEBKIT_WEB_VIEW (self->web_view));

  if (block_filter == NULL)
    {
      g_free (self->pending_html);
      self->pending_html = g_strdup (html);
      self->pending_allow_remote = allow_remote;
      if (!g_ptr_array_find (views_waiting_for_filter, self, NULL))
        g_ptr_array_add (views_waiting_for_filter, self);
      return;
    }
  if (allow_remote && self->filter_added)
    webkit_user_content_manager_remove_all_filters (manager);
  else if (!allow_remote && !self->filter_added)
    webkit_user_content_manager_add_filter (manager, block_filter);
  self->filter_added = !allow_remote;
  webkit_web_view_load_html (WEBKIT_WEB_VIEW (self->web_view), html, "about:blank");
}

gboolean
pigeon_html_view_show (PigeonHtmlView *self, PigeonMimeMessage *message, const char *html, gboolean allow_remote)
{
  g_autofree char *clean = NULL;
  gboolean blocked = FALSE;

  g_return_val_if_fail (PIGEON_IS_HTML_VIEW (self), FALSE);
  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (html != NULL, FALSE);

  g_set_object (&self->message, message);
  clean = pigeon_html_sanitize (html, allow_remote ? PIGEON_HTML_SANITIZE_ALLOW_REMOTE : PIGEON_HTML_SANITIZE_NONE,
                                &blocked);
  load (self, clean, allow_remote);
  return blocked;
}

/* GObject ----------------------------------------------------------------- */

static WebKitSettings *
locked_down_settings (void)
{
  WebKitSettings *settings = webkit_settings_new ();

  webkit_settings_set_enable_javascript (settings, FALSE);
  webkit_settings_set_enable_javascript_markup (settings, FALSE);
  webkit_settings_set_auto_load_images (settings, TRUE);
  webkit_settings_set_enable_html5_local_storage (settings, FALSE);
  webkit_settings_set_enable_html5_database (settings, FALSE);
  webkit_settings_set_enable_page_cache (settings, FALSE);
  webkit_settings_set_enable_webaudio (settings, FALSE);
  webkit_settings_set_enable_webgl (settings, FALSE);
  webkit_settings_set_enable_media (settings, FALSE);
  webkit_settings_set_enable_webrtc (settings, FALSE);
  webkit_settings_set_enable_fullscreen (settings, FALSE);
  webkit_settings_set_allow_file_access_from_file_urls (settings, FALSE);
  webkit_settings_set_allow_universal_access_from_file_urls (settings, FALSE);
  webkit_settings_set_allow_top_navigation_to_data_urls (settings, FALSE);
  webkit_settings_set_enable_developer_extras (settings, FALSE);
  return settings;
}

static void
pigeon_html_view_dispose (GObject *object)
{
  PigeonHtmlView *self = PIGEON_HTML_VIEW (object);

  if (views_waiting_for_filter != NULL)
    g_ptr_array_remove (views_waiting_for_filter, self);
  g_clear_pointer (&self->web_view, gtk_widget_unparent);
  g_clear_object (&self->message);
  g_clear_pointer (&self->pending_html, g_free);

  G_OBJECT_CLASS (pigeon_html_view_parent_class)->dispose (object);
}

static void
pigeon_html_view_class_init (PigeonHtmlViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_html_view_dispose;

  signals[SIGNAL_OPEN_URI] = g_signal_new ("open-uri", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pigeon_html_view_init (PigeonHtmlView *self)
{
  g_autoptr (WebKitSettings) settings = locked_down_settings ();
  g_autoptr (WebKitUserContentManager) manager = webkit_user_content_manager_new ();

  ensure_shared_context ();
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW, "web-context", web_context, "network-session", network_session,
                                 "user-content-manager", manager, "settings", settings, NULL);
  gtk_widget_set_vexpand (self->web_view, TRUE);
  gtk_widget_set_hexpand (self->web_view, TRUE);
  g_signal_connect (self->web_view, "decide-policy", G_CALLBACK (decide_policy_cb), self);
  gtk_widget_set_parent (self->web_view, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->web_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Message body"),
                                  -1);
}

GtkWidget *
pigeon_html_view_new (void)
{
  return g_object_new (PIGEON_TYPE_HTML_VIEW, NULL);
}
