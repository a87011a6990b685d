/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-mime-address.h"
#include "pigeon-mime-message.h"
#include "pigeon-store-records.h"

PigeonMessageInfo *
pigeon_message_info_new (void)
{
  return g_new0 (PigeonMessageInfo, 1);
}

PigeonMessageInfo *
pigeon_message_info_copy (const PigeonMessageInfo *info)
{
  PigeonMessageInfo *copy = g_memdup2 (info, sizeof *info);

  copy->uidl = g_strdup (info->uidl);
  copy->message_id = g_strdup (info->message_id);
  copy->in_reply_to = g_strdup (info->in_reply_to);
  copy->references = g_strdupv (info->references);
  copy->subject = g_strdup (info->subject);
  copy->from = g_strdup (info->from);
  copy->to = g_strdup (info->to);
  copy->cc = g_strdup (info->cc);
  copy->raw = info->raw ? g_bytes_ref (info->raw) : NULL;
  return copy;
}

void
pigeon_message_info_free (PigeonMessageInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uidl);
  g_free (info->message_id);
  g_free (info->in_reply_to);
  g_strfreev (info->references);
  g_free (info->subject);
  g_free (info->from);
  g_free (info->to);
  g_free (info->cc);
  g_clear_pointer (&info->raw, g_bytes_unref);
  g_free (info);
}

G_DEFINE_BOXED_TYPE (PigeonMessageInfo, pigeon_message_info, pigeon_message_info_copy, pigeon_message_info_free)

static char *
format_addresses (PigeonMimeMessage *message, const char *field)
{
  g_autoptr (GPtrArray) addresses = pigeon_mime_message_get_addresses (message, field);

  return addresses->len ? pigeon_mime_address_list_format (addresses) : NULL;
}

static gboolean
has_attachment (PigeonMimePart *part)
{
  guint n = pigeon_mime_part_get_n_children (part);

  if (n == 0)
    return pigeon_mime_part_is_attachment (part);
  for (guint i = 0; i < n; i++)
    if (has_attachment (pigeon_mime_part_get_child (part, i)))
      return TRUE;
  return FALSE;
}

PigeonMessageInfo *
pigeon_message_info_new_from_raw (GBytes *raw)
{
  g_autoptr (PigeonMimeMessage) message = NULL;
  g_auto (GStrv) in_reply_to = NULL;
  PigeonMessageInfo *info;

  g_return_val_if_fail (raw != NULL, NULL);

  message = pigeon_mime_message_new_from_bytes (raw, NULL);
  info = pigeon_message_info_new ();
  info->message_id = pigeon_mime_message_dup_message_id (message);
  in_reply_to = pigeon_mime_message_get_msg_ids (message, "In-Reply-To");
  info->in_reply_to = in_reply_to && in_reply_to[0] ? g_strdup (in_reply_to[0]) : NULL;
  info->references = pigeon_mime_message_get_msg_ids (message, "References");
  info->subject = pigeon_mime_message_dup_subject (message);
  info->from = format_addresses (message, "From");
  info->to = format_addresses (message, "To");
  info->cc = format_addresses (message, "Cc");
  pigeon_mime_message_get_date (message, &info->date, NULL);
  info->size = g_bytes_get_size (raw);
  info->has_attachments = has_attachment (pigeon_mime_message_get_root (message));
  info->raw = g_bytes_ref (raw);
  return info;
}

static PigeonOutboxItem *
outbox_item_copy (const PigeonOutboxItem *item)
{
  PigeonOutboxItem *copy = g_memdup2 (item, sizeof *item);

  copy->raw = g_bytes_ref (item->raw);
  copy->last_error = g_strdup (item->last_error);
  return copy;
}

void
pigeon_outbox_item_free (PigeonOutboxItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->raw, g_bytes_unref);
  g_free (item->last_error);
  g_free (item);
}

G_DEFINE_BOXED_TYPE (PigeonOutboxItem, pigeon_outbox_item, outbox_item_copy, pigeon_outbox_item_free)

static PigeonDraft *
draft_copy (const PigeonDraft *draft)
{
  PigeonDraft *copy = g_memdup2 (draft, sizeof *draft);

  copy->raw = g_bytes_ref (draft->raw);
  return copy;
}

void
pigeon_draft_free (PigeonDraft *draft)
{
  if (draft == NULL)
    return;
  g_clear_pointer (&draft->raw, g_bytes_unref);
  g_free (draft);
}

G_DEFINE_BOXED_TYPE (PigeonDraft, pigeon_draft, draft_copy, pigeon_draft_free)

static PigeonPendingOp *
pending_op_copy (const PigeonPendingOp *op)
{
  PigeonPendingOp *copy = g_memdup2 (op, sizeof *op);

  copy->raw = op->raw ? g_bytes_ref (op->raw) : NULL;
  copy->last_error = g_strdup (op->last_error);
  return copy;
}

void
pigeon_pending_op_free (PigeonPendingOp *op)
{
  if (op == NULL)
    return;
  g_clear_pointer (&op->raw, g_bytes_unref);
  g_free (op->last_error);
  g_free (op);
}

G_DEFINE_BOXED_TYPE (PigeonPendingOp, pigeon_pending_op, pending_op_copy, pigeon_pending_op_free)

static PigeonContact *
contact_copy (const PigeonContact *contact)
{
  PigeonContact *copy = g_memdup2 (contact, sizeof *contact);

  copy->address = g_strdup (contact->address);
  copy->name = g_strdup (contact->name);
  return copy;
}

void
pigeon_contact_free (PigeonContact *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->address);
  g_free (contact->name);
  g_free (contact);
}

G_DEFINE_BOXED_TYPE (PigeonContact, pigeon_contact, contact_copy, pigeon_contact_free)

static PigeonAttachment *
attachment_copy (const PigeonAttachment *attachment)
{
  PigeonAttachment *copy = g_memdup2 (attachment, sizeof *attachment);

  copy->part = g_strdup (attachment->part);
  copy->filename = g_strdup (attachment->filename);
  copy->mime_type = g_strdup (attachment->mime_type);
  copy->content_id = g_strdup (attachment->content_id);
  return copy;
}

void
pigeon_attachment_free (PigeonAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->part);
  g_free (attachment->filename);
  g_free (attachment->mime_type);
  g_free (attachment->content_id);
  g_free (attachment);
}

G_DEFINE_BOXED_TYPE (PigeonAttachment, pigeon_attachment, attachment_copy, pigeon_attachment_free)
