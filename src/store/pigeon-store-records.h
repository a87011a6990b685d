/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

#include "pigeon-store-types.h"

G_BEGIN_DECLS

/* What the sync knows of one message in one folder, handed to
 * pigeon_store_add_messages_async(). Plain data, so it may be built on
 * any thread. Strings are UTF-8 (encoded words already decoded). */
typedef struct
{
  guint32 uid;       /* IMAP UID, or 0 */
  char *uidl;        /* POP3 UIDL, or NULL */
  char *message_id;  /* without angle brackets, or NULL */
  char *in_reply_to; /* the first msg-id of In-Reply-To, or NULL */
  GStrv references;  /* References, oldest first; may be NULL */
  char *subject;     /* may be NULL */
  char *from;        /* address lists: "Name <a@b>, c@d"; may be NULL */
  char *to;
  char *cc;
  gint64 date;  /* Unix time; 0 when unknown */
  guint64 size; /* RFC822.SIZE */
  PigeonMessageFlags flags;
  gboolean has_attachments;
  GBytes *raw; /* the whole message when already fetched, or NULL */
} PigeonMessageInfo;

#define PIGEON_TYPE_MESSAGE_INFO (pigeon_message_info_get_type ())
GType pigeon_message_info_get_type (void);
PigeonMessageInfo *pigeon_message_info_new (void);
/* Fills the envelope from a whole message (POP3 downloads, imports) with
 * the MIME engine, and keeps @raw as the body. */
PigeonMessageInfo *pigeon_message_info_new_from_raw (GBytes *raw);
PigeonMessageInfo *pigeon_message_info_copy (const PigeonMessageInfo *info);
void pigeon_message_info_free (PigeonMessageInfo *info);

/* The flags the server reports for one UID. */
typedef struct
{
  guint32 uid;
  PigeonMessageFlags flags;
} PigeonFlagUpdate;

/* A queued outgoing message. */
typedef struct
{
  gint64 id;
  gint64 account_id;
  GBytes *raw;
  PigeonOutboxState state;
  guint attempts;
  char *last_error; /* NULL unless the last attempt failed */
  gint64 queued;    /* Unix time */
} PigeonOutboxItem;

#define PIGEON_TYPE_OUTBOX_ITEM (pigeon_outbox_item_get_type ())
GType pigeon_outbox_item_get_type (void);
void pigeon_outbox_item_free (PigeonOutboxItem *item);

typedef struct
{
  gint64 id;
  gint64 account_id; /* 0 when its account was removed */
  GBytes *raw;
  gint64 saved; /* Unix time */
} PigeonDraft;

#define PIGEON_TYPE_DRAFT (pigeon_draft_get_type ())
GType pigeon_draft_get_type (void);
void pigeon_draft_free (PigeonDraft *draft);

/* A user action applied locally, waiting to be replayed to the server. */
typedef struct
{
  gint64 id;
  gint64 account_id;
  PigeonPendingKind kind;
  gint64 folder_id;        /* the folder the action started from (0 for APPEND) */
  guint32 uid;             /* the UID in that folder (0 for APPEND) */
  gint64 target_folder_id; /* MOVE and APPEND: where to; else 0 */
  PigeonMessageFlags flags_set;
  PigeonMessageFlags flags_clear;
  GBytes *raw; /* APPEND: the message; else NULL */
  gint64 created;
  guint attempts;
  char *last_error;
} PigeonPendingOp;

#define PIGEON_TYPE_PENDING_OP (pigeon_pending_op_get_type ())
GType pigeon_pending_op_get_type (void);
void pigeon_pending_op_free (PigeonPendingOp *op);

typedef struct
{
  char *address;
  char *name; /* "" when never seen with a name */
  guint received_count;
  guint sent_count;
  gint64 last_seen;
} PigeonContact;

#define PIGEON_TYPE_CONTACT (pigeon_contact_get_type ())
GType pigeon_contact_get_type (void);
void pigeon_contact_free (PigeonContact *contact);

/* An attachment found in a stored body. */
typedef struct
{
  char *part;     /* IMAP part number, "2" or "1.3" */
  char *filename; /* NULL when unnamed */
  char *mime_type;
  guint64 size; /* decoded size in bytes */
  char *content_id;
} PigeonAttachment;

#define PIGEON_TYPE_ATTACHMENT (pigeon_attachment_get_type ())
GType pigeon_attachment_get_type (void);
void pigeon_attachment_free (PigeonAttachment *attachment);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonMessageInfo, pigeon_message_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonOutboxItem, pigeon_outbox_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonDraft, pigeon_draft_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonPendingOp, pigeon_pending_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonContact, pigeon_contact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonAttachment, pigeon_attachment_free)

G_END_DECLS
