/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-mime-address.h"

G_BEGIN_DECLS

/* What the SMTP layer must ask of the server to send a built message. */
typedef enum
{
  PIGEON_MIME_TRANSPORT_NONE = 0,
  /* RFC 6152: a body goes as 8bit (only with set_allow_8bit). */
  PIGEON_MIME_TRANSPORT_8BITMIME = 1 << 0,
  /* RFC 6531: an address has a non-ASCII local part (RFC 6532 header). */
  PIGEON_MIME_TRANSPORT_SMTPUTF8 = 1 << 1,
} PigeonMimeTransport;

#define PIGEON_MIME_TYPE_BUILDER (pigeon_mime_builder_get_type ())

/* Composes a new message (for the composer and the outbox) and writes it
 * as RFC 5322 bytes: CRLF line ends, lines of at most 998 octets, 7-bit
 * clean unless 8-bit bodies were allowed. Structure:
 *   text only                -> text/plain
 *   text + HTML              -> multipart/alternative
 *   with attachments         -> multipart/mixed (body part(s), then attachments)
 * Bcc never appears in the header; see get_envelope_recipients(). Field
 * values are checked when the message is built: CR, LF or NUL in any of
 * them (header injection) fails the build with G_IO_ERROR_INVALID_DATA. */
G_DECLARE_FINAL_TYPE (PigeonMimeBuilder, pigeon_mime_builder, PIGEON_MIME, BUILDER, GObject)

PigeonMimeBuilder *pigeon_mime_builder_new (void);

/* Addresses are copied; domains are written in their ASCII (IDNA) form. */
void pigeon_mime_builder_set_from (PigeonMimeBuilder *self, const PigeonMimeAddress *from);
void pigeon_mime_builder_add_to (PigeonMimeBuilder *self, const PigeonMimeAddress *address);
void pigeon_mime_builder_add_cc (PigeonMimeBuilder *self, const PigeonMimeAddress *address);
void pigeon_mime_builder_add_bcc (PigeonMimeBuilder *self, const PigeonMimeAddress *address);
void pigeon_mime_builder_add_reply_to (PigeonMimeBuilder *self, const PigeonMimeAddress *address);

/* UTF-8; NULL removes it. */
void pigeon_mime_builder_set_subject (PigeonMimeBuilder *self, const char *subject);
/* The Date field; by default the time of the build in the local zone.
 * @tz_offset is in minutes east of UTC. */
void pigeon_mime_builder_set_date (PigeonMimeBuilder *self, gint64 unix_time, int tz_offset);
/* Message-ID without angle brackets. By default one is generated at the
 * first build, "<random@domain of From>", and kept for later builds. */
void pigeon_mime_builder_set_message_id (PigeonMimeBuilder *self, const char *message_id);
/* The Message-ID (without angle brackets) set or generated; NULL before
 * the first successful build when none was set. */
const char *pigeon_mime_builder_get_message_id (PigeonMimeBuilder *self);
/* Written as User-Agent when set. */
void pigeon_mime_builder_set_user_agent (PigeonMimeBuilder *self, const char *user_agent);
/* Adds a field after the standard ones ("List-Id", "X-Priority", ...),
 * the value RFC 2047 encoded when it is not ASCII. Names the builder writes
 * itself (From, To, Bcc, Subject, Date, Message-ID, MIME-Version,
 * Content-*, ...) fail the build. */
void pigeon_mime_builder_add_header (PigeonMimeBuilder *self, const char *name, const char *value);

/* In-Reply-To and References, msg-ids without angle brackets. */
void pigeon_mime_builder_set_in_reply_to (PigeonMimeBuilder *self, const char *message_id);
void pigeon_mime_builder_set_references (PigeonMimeBuilder *self, const char *const *message_ids);
/* RFC 5322 3.6.4: makes this message a reply to a parent with
 * @parent_message_id. In-Reply-To is the parent's id; References is the
 * parent's References followed by its id, or, when the parent has no
 * References but a single In-Reply-To id, that id followed by the
 * parent's. @parent_references and @parent_in_reply_to may be NULL. */
void pigeon_mime_builder_set_parent (PigeonMimeBuilder *self,
                                     const char *parent_message_id,
                                     const char *const *parent_references,
                                     const char *const *parent_in_reply_to);

/* The text body (UTF-8); line breaks become CRLF and it ends in one. */
void pigeon_mime_builder_set_text (PigeonMimeBuilder *self, const char *text);
/* An HTML alternative to the text (UTF-8), or NULL for none. */
void pigeon_mime_builder_set_html (PigeonMimeBuilder *self, const char *html);
/* Attachments travel byte for byte. @filename NULL: the file's basename.
 * @content_type NULL: guessed from the name and the data. The file is read
 * when the message is built. */
void pigeon_mime_builder_add_attachment_file (PigeonMimeBuilder *self,
                                              GFile *file,
                                              const char *filename,
                                              const char *content_type);
void pigeon_mime_builder_add_attachment_bytes (PigeonMimeBuilder *self,
                                               GBytes *data,
                                               const char *filename,
                                               const char *content_type);

/* Lets text bodies and attached messages go as 8bit (RFC 6152) instead of
 * quoted-printable or base64. Off by default. */
void pigeon_mime_builder_set_allow_8bit (PigeonMimeBuilder *self, gboolean allow_8bit);

/* Builds the message. Fails when From is missing, a field is invalid, or
 * an attachment file cannot be read (the error names the file). */
GBytes *pigeon_mime_builder_build (PigeonMimeBuilder *self, GError **error);
/* The same in a worker thread (attachment files are read there). Do not
 * change @self until the callback runs. */
void pigeon_mime_builder_build_async (PigeonMimeBuilder *self,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
GBytes *pigeon_mime_builder_build_finish (PigeonMimeBuilder *self, GAsyncResult *result, GError **error);

/* What the last successful build needs from the SMTP server. */
PigeonMimeTransport pigeon_mime_builder_get_transport (PigeonMimeBuilder *self);

/* The SMTP envelope (RCPT TO): the addresses of To, Cc and Bcc, in that
 * order, duplicates removed case-insensitively, domains in ASCII form.
 * A NULL-terminated array; free with g_strfreev(). */
GStrv pigeon_mime_builder_dup_envelope_recipients (PigeonMimeBuilder *self);

G_END_DECLS
