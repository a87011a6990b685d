/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What an SMTP failure means for the one who sends (seed Table 23.2). Each
 * error's message keeps the server's own words. */
#define PIGEON_SMTP_ERROR (pigeon_smtp_error_quark ())

typedef enum
{
  /* The reply could not be understood (RFC 5321 4.2). */
  PIGEON_SMTP_ERROR_PROTOCOL = 1,
  /* 421: the server is closing the session; try again later. */
  PIGEON_SMTP_ERROR_SERVICE_UNAVAILABLE,
  /* Another 4xx: try again later. */
  PIGEON_SMTP_ERROR_TEMPORARY,
  /* Another 5xx: sending again will fail the same way. */
  PIGEON_SMTP_ERROR_PERMANENT,
  /* STARTTLS was required and the server did not offer or refused it. */
  PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE,
  /* No sign-in method that can be used safely. */
  PIGEON_SMTP_ERROR_AUTH_UNAVAILABLE,
  /* 535: wrong user name or password. */
  PIGEON_SMTP_ERROR_AUTH_FAILED,
  /* 530: the server wants the client to sign in (or encrypt) first. */
  PIGEON_SMTP_ERROR_AUTH_REQUIRED,
  /* 552, or larger than the SIZE the server announced (RFC 1870). */
  PIGEON_SMTP_ERROR_MESSAGE_TOO_LARGE,
  /* MAIL FROM refused: the sender address is not allowed. */
  PIGEON_SMTP_ERROR_SENDER_REJECTED,
  /* Every recipient was refused; each one's reason is in the message. */
  PIGEON_SMTP_ERROR_RECIPIENTS_REJECTED,
  /* The message has 8-bit data and the server lacks 8BITMIME (RFC 6152). */
  PIGEON_SMTP_ERROR_NEEDS_8BITMIME,
  /* The message or an address has UTF-8 and the server lacks SMTPUTF8 (RFC 6531). */
  PIGEON_SMTP_ERROR_NEEDS_SMTPUTF8,
  /* The message or an address cannot be sent as it is (a NUL, a line
   * break in an address). */
  PIGEON_SMTP_ERROR_INVALID,
} PigeonSmtpError;

GQuark pigeon_smtp_error_quark (void);
/* TRUE when sending later may succeed (4xx, 421, a lost connection). */
gboolean pigeon_smtp_error_is_temporary (const GError *error);

#define PIGEON_SMTP_REPLY_MAX_LINES 128
#define PIGEON_SMTP_REPLY_MAX_SIZE (64 * 1024)

/* One reply, possibly multi-line (RFC 5321 4.2.1). */
typedef struct
{
  guint code;
  GPtrArray *lines; /* the text after "ddd-" / "ddd ", as sent */
  gsize size;
  gboolean complete;
} PigeonSmtpReply;

PigeonSmtpReply *pigeon_smtp_reply_new (void);
void pigeon_smtp_reply_free (PigeonSmtpReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonSmtpReply, pigeon_smtp_reply_free)

/* Adds one line (without CRLF). FALSE with an error when the line is not
 * part of a well-formed reply or a limit is reached. reply->complete tells
 * whether it was the last line. */
gboolean pigeon_smtp_reply_feed (PigeonSmtpReply *reply, const char *line, gsize len, GError **error);
/* The text of all lines joined by spaces, as valid UTF-8 without control
 * characters: safe to show. */
char *pigeon_smtp_reply_get_text (const PigeonSmtpReply *reply);
/* The error that a non-success reply means; @what names the step in words
 * ("The sender", …) for the message. */
GError *pigeon_smtp_reply_to_error (const PigeonSmtpReply *reply, const char *what, PigeonSmtpError permanent);

typedef enum
{
  PIGEON_SMTP_EXT_STARTTLS = 1 << 0,
  PIGEON_SMTP_EXT_AUTH = 1 << 1,
  PIGEON_SMTP_EXT_SIZE = 1 << 2,
  PIGEON_SMTP_EXT_PIPELINING = 1 << 3,
  PIGEON_SMTP_EXT_8BITMIME = 1 << 4,
  PIGEON_SMTP_EXT_SMTPUTF8 = 1 << 5,
  PIGEON_SMTP_EXT_ENHANCEDSTATUSCODES = 1 << 6,
} PigeonSmtpExtensions;

/* What an EHLO reply announces (RFC 5321 4.1.1.1). */
typedef struct
{
  PigeonSmtpExtensions extensions;
  guint64 max_size; /* 0: no limit announced */
  GStrv auth_mechanisms;
} PigeonSmtpCapabilities;

void pigeon_smtp_capabilities_parse (PigeonSmtpCapabilities *caps, const PigeonSmtpReply *reply);
void pigeon_smtp_capabilities_clear (PigeonSmtpCapabilities *caps);

typedef enum
{
  PIGEON_SMTP_NEEDS_8BIT = 1 << 0,     /* a byte >= 0x80 anywhere */
  PIGEON_SMTP_NEEDS_SMTPUTF8 = 1 << 1, /* a byte >= 0x80 in the header */
  PIGEON_SMTP_HAS_NUL = 1 << 2,
} PigeonSmtpNeeds;

PigeonSmtpNeeds pigeon_smtp_message_scan (const guchar *data, gsize len);

/* The message as DATA sends it (RFC 5321 4.5.2, 4.1.1.4): every line end
 * CRLF, a bare CR or LF made a CRLF (so no "smuggled" end of data can pass
 * through), a leading dot doubled, and exactly one CRLF.CRLF at the end. */
GBytes *pigeon_smtp_encode_data (const guchar *data, gsize len);

/* A mailbox for MAIL FROM / RCPT TO: at most 256 octets (RFC 5321
 * 4.5.3.1.3), no spaces, controls or angle brackets, so it cannot end the
 * command early. Empty is allowed (the null reverse-path). */
gboolean pigeon_smtp_address_is_valid (const char *address);

G_END_DECLS
