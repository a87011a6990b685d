/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PIGEON_COMPOSE_REPLY,
  PIGEON_COMPOSE_REPLY_ALL,
  PIGEON_COMPOSE_FORWARD,
  PIGEON_COMPOSE_FORWARD_ATTACHED,
} PigeonComposeMode;

/* A file that goes with the new message. */
typedef struct
{
  char *filename;
  char *content_type;
  GBytes *data;
} PigeonReplyAttachment;

/* What a composer starts with: a reply, a forward, or a message opened
 * again (a draft). Address lists are formatted ("Name <a@b>, c@d"), ""
 * when empty. */
typedef struct
{
  char *from; /* the address alone, for drafts; else NULL */
  char *to;
  char *cc;
  char *bcc;
  char *subject;
  char *in_reply_to;      /* msg-id without angle brackets, or NULL */
  GStrv references;       /* oldest first, or NULL */
  char *body;             /* the quote, or the forwarded message */
  GPtrArray *attachments; /* PigeonReplyAttachment */
} PigeonReply;

/* Builds the reply or forward (@mode) to the message @raw. @own_addresses
 * (NULL-terminated; may be NULL) are the user's addresses, all accounts:
 * a reply to all leaves them out. */
PigeonReply *pigeon_reply_new (GBytes *raw, PigeonComposeMode mode, const char *const *own_addresses);
/* A message opened again for editing (a draft): its fields, text
 * (signature included) and attachments as they are. */
PigeonReply *pigeon_reply_new_from_message (GBytes *raw);
void pigeon_reply_free (PigeonReply *reply);

void pigeon_reply_attachment_free (PigeonReplyAttachment *attachment);
PigeonReplyAttachment *pigeon_reply_attachment_new (const char *filename, const char *content_type, GBytes *data);

/* The subject with one "Re: " or "Fwd: " in front, never two. */
char *pigeon_reply_subject (const char *subject, PigeonComposeMode mode);
/* RFC 5322 3.6.4: the parent's References (else its single In-Reply-To)
 * followed by its Message-ID, trimmed when long. */
GStrv pigeon_reply_references (const char *parent_id,
                               const char *const *parent_references,
                               const char *const *parent_in_reply_to);
/* Plain text from HTML, for quoting a message that has no text part. */
char *pigeon_reply_html_to_text (const char *html);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonReply, pigeon_reply_free)

G_END_DECLS
