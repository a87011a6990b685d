/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pigeon-ui-test.h"

#define WAIT_TIMEOUT_USEC (10 * G_USEC_PER_SEC)
#define WRITE_TIMEOUT_USEC (30 * G_USEC_PER_SEC)

gboolean
pigeon_ui_test_wait_for (PigeonUiTestCondition condition, gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_USEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

void
pigeon_ui_test_settle (void)
{
  for (int i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Counts the distinct colours in a coarse sample of the texture: a window
 * that failed to draw is one or two flat colours. */
static guint
count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y += 3)
    for (int x = 0; x < width; x += 3)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
      }

  return g_hash_table_size (colours);
}

void
pigeon_ui_test_save_screenshot (GtkWidget *widget, const char *name)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *built = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *dir = g_canonicalize_filename (built, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_assert_cmpuint (count_colours (texture), >, 20);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

char *
pigeon_ui_test_make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("pigeon-ui-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
pigeon_ui_test_remove_dir (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        pigeon_ui_test_remove_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

void
pigeon_ui_test_use_xdg_dirs (const char *dir)
{
  static const char *const names[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" };
  static const char *const subdirs[] = { "data", "config", "cache" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, subdirs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (names[i], path, TRUE);
    }
  g_setenv ("PIGEON_SECRET_SERVICE", "0", TRUE);
}

/* Fixture writes */

typedef struct
{
  gboolean done;
  gint64 id;
  GError *error;
} Write;

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Write *write = user_data;

  pigeon_store_write_finish (PIGEON_STORE (source), result, &write->id, &write->error);
  write->done = TRUE;
}

static gint64
wait_write (Write *write)
{
  gint64 deadline = g_get_monotonic_time () + WRITE_TIMEOUT_USEC;

  while (!write->done)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("A fixture store write took more than 30 s");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_no_error (write->error);
  return write->id;
}

static PigeonAccount *
add_account (PigeonStore *store, const char *name, const char *address, PigeonProtocol protocol)
{
  PigeonAccount *account = pigeon_account_new (address);
  gboolean imap = protocol == PIGEON_PROTOCOL_IMAP;
  Write write = { 0 };

  pigeon_account_set_display_name (account, name);
  pigeon_account_set_real_name (account, "Alice Liddell");
  pigeon_account_set_incoming_protocol (account, protocol);
  pigeon_account_set_incoming_host (account, imap ? "imap.example.org" : "pop.example.net");
  pigeon_account_set_incoming_port (account, imap ? 993 : 995);
  pigeon_account_set_incoming_security (account, PIGEON_SECURITY_TLS);
  pigeon_account_set_incoming_username (account, address);
  pigeon_account_set_outgoing_host (account, imap ? "smtp.example.org" : "smtp.example.net");
  pigeon_account_set_outgoing_port (account, 465);
  pigeon_account_set_outgoing_security (account, PIGEON_SECURITY_TLS);
  pigeon_account_set_outgoing_username (account, address);

  pigeon_store_save_account_async (store, account, NULL, write_done, &write);
  wait_write (&write);
  return account;
}

static PigeonFolder *
add_folder (PigeonStore *store, PigeonAccount *account, const char *path, PigeonFolderRole role)
{
  Write write = { 0 };

  pigeon_store_add_folder_async (store, account, path, "/", role, NULL, write_done, &write);
  return pigeon_store_lookup_folder (store, wait_write (&write));
}

static GBytes *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* The store keeps one message per Message-ID and account, whatever the
 * folders: a fixture that goes to a second folder of an account gets a
 * Message-ID of its own, "<@tag.ORIGINAL>". */
static GBytes *
with_own_message_id (GBytes *raw, const char *tag)
{
  gsize length;
  const char *data = g_bytes_get_data (raw, &length);
  static const char field[] = "Message-ID: <";
  const char *at = g_strstr_len (data, length, field);
  GString *copy = g_string_sized_new (length + 32);
  gsize head;

  g_assert_nonnull (at);
  head = at - data + strlen (field);
  g_string_append_len (copy, data, head);
  g_string_append_printf (copy, "%s.", tag);
  g_string_append_len (copy, data + head, length - head);
  return g_string_free_to_bytes (copy);
}

/* One message per fixture file, in the order given; the fixtures named in
 * @unread stay unread. POP3 folders (@uidl_prefix) know messages by UIDL,
 * IMAP ones by UID. @tag (may be NULL) makes the Message-IDs distinct. */
static void
add_messages (PigeonStore *store,
              PigeonFolder *folder,
              const char *const *fixtures,
              const char *const *unread,
              const char *uidl_prefix,
              const char *tag)
{
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  Write write = { 0 };

  for (guint i = 0; fixtures[i] != NULL; i++)
    {
      g_autoptr (GBytes) fixture = load_fixture (fixtures[i]);
      g_autoptr (GBytes) raw = tag != NULL ? with_own_message_id (fixture, tag) : g_bytes_ref (fixture);
      PigeonMessageInfo *info = pigeon_message_info_new_from_raw (raw);

      if (uidl_prefix != NULL)
        info->uidl = g_strdup_printf ("%s-%u", uidl_prefix, i + 1);
      else
        info->uid = i + 1;
      info->size = g_bytes_get_size (raw);
      info->flags = g_strv_contains (unread, fixtures[i]) ? PIGEON_MESSAGE_FLAGS_NONE : PIGEON_MESSAGE_SEEN;
      g_ptr_array_add (infos, info);
    }

  pigeon_store_add_messages_async (store, folder, infos, NULL, write_done, &write);
  wait_write (&write);
}

static void
fill_work_account (PigeonStore *store)
{
  static const char *const inbox[] = { "01-welcome.eml",
                                       "02-newsletter.eml",
                                       "03-report.eml",
                                       "04-reply.eml",
                                       "05-photo.eml",
                                       "06-i18n.eml",
                                       "07-invoice.eml",
                                       "08-meeting.eml",
                                       "09-release.eml",
                                       "10-travel.eml",
                                       NULL };
  static const char *const inbox_unread[] = { "01-welcome.eml", "03-report.eml", "05-photo.eml", "08-meeting.eml",
                                              NULL };
  static const char *const archive[] = {
    "01-welcome.eml", "02-newsletter.eml", "03-report.eml", "04-reply.eml", "05-photo.eml", "06-i18n.eml", NULL
  };
  static const char *const sent[] = { "04-reply.eml", "08-meeting.eml", "09-release.eml", "10-travel.eml", NULL };
  static const char *const project[] = { "02-newsletter.eml", "08-meeting.eml", "09-release.eml", NULL };
  static const char *const project_unread[] = { "09-release.eml", NULL };
  static const char *const none[] = { NULL };
  g_autoptr (PigeonAccount) account = add_account (store, "Work", "alice@example.org", PIGEON_PROTOCOL_IMAP);

  add_messages (store, add_folder (store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX), inbox, inbox_unread, NULL, NULL);
  add_folder (store, account, "Drafts", PIGEON_FOLDER_ROLE_DRAFTS);
  add_messages (store, add_folder (store, account, "Sent", PIGEON_FOLDER_ROLE_SENT), sent, none, NULL, "sent");
  add_messages (store, add_folder (store, account, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE), archive, none, NULL,
                "archive");
  add_folder (store, account, "Junk", PIGEON_FOLDER_ROLE_JUNK);
  add_folder (store, account, "Trash", PIGEON_FOLDER_ROLE_TRASH);
  add_folder (store, account, "Projects", PIGEON_FOLDER_ROLE_NONE);
  add_messages (store, add_folder (store, account, "Projects/Pigeon", PIGEON_FOLDER_ROLE_NONE), project, project_unread,
                NULL, "project");
}

static void
fill_home_account (PigeonStore *store)
{
  static const char *const inbox[] = { "01-welcome.eml", "02-newsletter.eml", "03-report.eml",  "04-reply.eml",
                                       "05-photo.eml",   "06-i18n.eml",       "07-invoice.eml", NULL };
  static const char *const inbox_unread[] = { "06-i18n.eml", "07-invoice.eml", NULL };
  g_autoptr (PigeonAccount) account = add_account (store, "Home", "alice@example.net", PIGEON_PROTOCOL_POP3);

  add_messages (store, add_folder (store, account, "Inbox", PIGEON_FOLDER_ROLE_INBOX), inbox, inbox_unread, "home",
                NULL);
  add_folder (store, account, "Sent", PIGEON_FOLDER_ROLE_SENT);
}

PigeonStore *
pigeon_ui_test_fixture_store (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "pigeon.db", NULL);
  g_autoptr (GError) error = NULL;
  PigeonStore *store = pigeon_store_open (path, &error);

  g_assert_no_error (error);
  fill_work_account (store);
  fill_home_account (store);
  return store;
}

PigeonEngine *
pigeon_ui_test_fixture_engine (PigeonStore *store, const char *dir)
{
  g_autofree char *pins_path = g_build_filename (dir, "pins", NULL);
  g_autoptr (PigeonCredentials) credentials = pigeon_credentials_new (FALSE);
  g_autoptr (PigeonCertificatePins) pins = pigeon_certificate_pins_new (pins_path);

  return pigeon_engine_new (store, credentials, pins);
}

PigeonFolder *
pigeon_ui_test_find_folder (PigeonStore *store, const char *account_name, const char *path)
{
  GListModel *accounts = pigeon_store_get_accounts (store);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (pigeon_account_get_display_name (account), account_name) == 0)
        return pigeon_store_find_folder (store, account, path);
    }

  return NULL;
}

GtkWidget *
pigeon_ui_test_find_descendant (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = pigeon_ui_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
