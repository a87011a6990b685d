/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PIGEON_POP3_ERROR (pigeon_pop3_error_quark ())

typedef enum
{
  /* The server's response is not valid POP3. */
  PIGEON_POP3_ERROR_PROTOCOL = 1,
  /* -ERR to a command; the message keeps the server's words. */
  PIGEON_POP3_ERROR_FAILED,
  /* -ERR that RFC 2449/3206 marks temporary ([IN-USE], [LOGIN-DELAY],
   * [SYS/TEMP]): try again later. */
  PIGEON_POP3_ERROR_TEMPORARY,
  /* STLS was required and the server did not offer or refused it. */
  PIGEON_POP3_ERROR_STARTTLS_UNAVAILABLE,
  /* No way to sign in without sending the password in the clear. */
  PIGEON_POP3_ERROR_AUTH_UNAVAILABLE,
  /* The server refused the user name or password. */
  PIGEON_POP3_ERROR_AUTH_FAILED,
  /* A message is larger than the limit set for this session. */
  PIGEON_POP3_ERROR_MESSAGE_TOO_LARGE,
  /* DELE asked for a message whose durable storage was not confirmed. */
  PIGEON_POP3_ERROR_NOT_STORED,
  /* A message number that the server did not list. */
  PIGEON_POP3_ERROR_NO_SUCH_MESSAGE,
} PigeonPop3Error;

GQuark pigeon_pop3_error_quark (void);

/* RFC 1939 3: "+OK" or "-ERR", then optional text. Sets @ok and @text (the
 * rest of the line, or ""); FALSE when the line is neither. */
gboolean pigeon_pop3_parse_status (const char *line, gboolean *ok, const char **text);
/* The error a "-ERR text" line means; @what names the step in words. */
GError *pigeon_pop3_status_to_error (const char *text, const char *what, PigeonPop3Error code);
/* The server's text made safe to show: valid UTF-8, no control characters. */
char *pigeon_pop3_sanitize_text (const char *text);

/* Undoes the byte-stuffing of one line of a multi-line response (RFC 1939
 * 3) and appends it with CRLF to @body. Sets @done on the terminating "."
 * line. FALSE when @body would grow past @max_size. */
gboolean pigeon_pop3_body_feed (GByteArray *body, const char *line, gsize len, gsize max_size, gboolean *done);

typedef enum
{
  PIGEON_POP3_CAPA_STLS = 1 << 0,
  PIGEON_POP3_CAPA_USER = 1 << 1,
  PIGEON_POP3_CAPA_SASL = 1 << 2,
  PIGEON_POP3_CAPA_UIDL = 1 << 3,
  PIGEON_POP3_CAPA_TOP = 1 << 4,
  PIGEON_POP3_CAPA_PIPELINING = 1 << 5,
  PIGEON_POP3_CAPA_RESP_CODES = 1 << 6,
} PigeonPop3CapaFlags;

/* RFC 2449 5: the CAPA list. */
typedef struct
{
  PigeonPop3CapaFlags flags;
  GStrv sasl_mechanisms;
} PigeonPop3Capabilities;

/* Parses the lines of a CAPA response body (CRLF-separated). */
void pigeon_pop3_capabilities_parse (PigeonPop3Capabilities *caps, const char *body, gsize len);
void pigeon_pop3_capabilities_clear (PigeonPop3Capabilities *caps);

/* One message of the maildrop: LIST and UIDL together. */
typedef struct
{
  guint number;
  guint64 size;
  char *uid; /* NULL when the server has no UIDL */
} PigeonPop3Message;

void pigeon_pop3_message_free (PigeonPop3Message *message);

#define PIGEON_POP3_MAX_MESSAGES 1000000

/* "n size" (RFC 1939 5, LIST) and "n unique-id" (7, UIDL: 1 to 70
 * characters from 0x21 to 0x7E). */
gboolean pigeon_pop3_parse_list_line (const char *line, guint *number, guint64 *size);
gboolean pigeon_pop3_parse_uidl_line (const char *line, guint *number, char **uid);
/* The "<…>" timestamp of an APOP greeting (RFC 1939 7), or NULL. */
char *pigeon_pop3_apop_timestamp (const char *greeting);

G_END_DECLS
