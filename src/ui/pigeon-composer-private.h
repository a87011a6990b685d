/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-composer.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_COMPOSER (pigeon_composer_get_type ())

/* The composer window behind pigeon-composer.h, split by topic:
 *   pigeon-composer.c              the window, its fields, opening it
 *   pigeon-composer-attachments.c  attachments: chooser, drop, paste, rows
 *   pigeon-composer-drafts.c       autosave, the open-drafts file, restore
 *   pigeon-composer-send.c         building the message, checks, undo send
 * The tests use the functions above the struct. */
G_DECLARE_FINAL_TYPE (PigeonComposer, pigeon_composer, PIGEON, COMPOSER, AdwWindow)

PigeonComposer *pigeon_composer_open (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account);
/* NULL with @error when @uri is not a valid mailto: link. */
PigeonComposer *
pigeon_composer_open_mailto (GtkApplication *app, PigeonEngine *engine, const char *uri, GError **error);
void pigeon_composer_add_files (PigeonComposer *self, GFile **files, guint n_files);
guint pigeon_composer_get_n_attachments (PigeonComposer *self);
const char *pigeon_composer_get_attachment_name (PigeonComposer *self, guint index);
/* Whether closing would lose something. */
gboolean pigeon_composer_has_content (PigeonComposer *self);
/* The draft's id in the store, 0 before the first save. */
gint64 pigeon_composer_get_draft_id (PigeonComposer *self);
/* Saves the draft now; the callback runs when every save asked so far is
 * durable. */
void pigeon_composer_save_draft_async (PigeonComposer *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean pigeon_composer_save_draft_finish (PigeonComposer *self, GAsyncResult *result, GError **error);
/* "Sending…" with Undo, while the message waits for its undo time;
 * else NULL. */
AdwToast *pigeon_composer_get_sending_toast (PigeonComposer *self);
/* Shows @toast in the main window (takes it). */
void pigeon_composer_show_toast (PigeonComposer *self, AdwToast *toast);

typedef struct
{
  GFile *file;  /* a file chosen, dropped or pasted; or NULL */
  GBytes *data; /* the content of an attachment carried over; or NULL */
  char *name;
  char *content_type;
  guint64 size;
} Attachment;

struct _PigeonComposer
{
  AdwWindow parent_instance;

  GtkWidget *from_dropdown;
  GtkWidget *to_entry;
  GtkWidget *cc_entry;
  GtkWidget *bcc_entry;
  GtkWidget *to_label;
  GtkWidget *cc_label;
  GtkWidget *bcc_label;
  GtkWidget *cc_button;
  GtkWidget *bcc_button;
  GtkWidget *subject_entry;
  GtkWidget *body_view;
  GtkWidget *attachments_revealer;
  GtkWidget *attachment_list;

  PigeonEngine *engine;
  GCancellable *cancellable;
  GPtrArray *attachments; /* Attachment */
  char *in_reply_to;
  GStrv references;
  char *initial_body; /* what "no content" looks like */
  char *signature;    /* the signature block in the text, or "" */

  gint64 draft_id;         /* 0 until the first save */
  guint autosave_id;       /* the pending autosave, or 0 */
  gboolean saving;         /* a save runs */
  gboolean save_again;     /* something changed during the save */
  GPtrArray *save_waiters; /* GTask, completed when the saves are done */
  gboolean closing;        /* the window may close now */

  /* Between Send and the outbox. */
  GBytes *outgoing;
  PigeonAccount *outgoing_account;
  guint send_timeout_id;
  AdwToast *sending_toast;
};

/* pigeon-composer.c */
PigeonAccount *pigeon_composer_dup_account (PigeonComposer *self);
char *pigeon_composer_dup_body (PigeonComposer *self);
void
pigeon_composer_open_draft (PigeonEngine *engine, GtkApplication *app, GBytes *raw, gint64 draft_id, gint64 account_id);

/* pigeon-composer-attachments.c */
void pigeon_composer_attachment_free (Attachment *attachment);
void pigeon_composer_add_reply_attachments (PigeonComposer *self, GPtrArray *attachments);
guint64 pigeon_composer_get_total_size (PigeonComposer *self);
void pigeon_composer_setup_drop_target (PigeonComposer *self);
void pigeon_composer_paste_clipboard_cb (GtkTextView *view, PigeonComposer *self);
void pigeon_composer_attach_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

/* pigeon-composer-drafts.c */
void pigeon_composer_remember (PigeonComposer *self);
void pigeon_composer_forget (PigeonComposer *self);
void pigeon_composer_leave (PigeonComposer *self);
void pigeon_composer_write_open_drafts (void);
void pigeon_composer_schedule_autosave (PigeonComposer *self);
void pigeon_composer_field_changed_cb (PigeonComposer *self);
void pigeon_composer_discard_draft (PigeonComposer *self);

/* pigeon-composer-send.c */
void pigeon_composer_build_message_async (PigeonComposer *self,
                                          PigeonAccount *account,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
GBytes *pigeon_composer_build_message_finish (PigeonComposer *self, GAsyncResult *result, GError **error);
void pigeon_composer_send_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

G_END_DECLS
