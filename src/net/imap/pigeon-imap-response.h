/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The IMAP response grammar (RFC 3501 9, RFC 9051 9): a line-at-a-time
 * parser that a reader feeds with lines and, in between, with the bytes
 * of literals, so that a literal never has to be buffered by the line
 * reader. Nesting is tracked on an explicit stack with a fixed limit: no
 * recursion depends on the input. */

#define PIGEON_IMAP_ERROR (pigeon_imap_error_quark ())

typedef enum
{
  /* The server sent something that is not IMAP. */
  PIGEON_IMAP_ERROR_PROTOCOL = 1,
  /* Lists nested deeper than the parser's limit. */
  PIGEON_IMAP_ERROR_TOO_DEEP,
  /* A literal larger than the session's limit. */
  PIGEON_IMAP_ERROR_TOO_LARGE,
  /* A tagged NO: the server refused; the message is its text. */
  PIGEON_IMAP_ERROR_NO,
  /* A tagged BAD: the server did not understand the command. */
  PIGEON_IMAP_ERROR_BAD,
  /* The server said BYE (the message is its text) or closed. */
  PIGEON_IMAP_ERROR_BYE,
  /* Sign-in was refused. */
  PIGEON_IMAP_ERROR_AUTHENTICATION,
  /* The server offers no way to sign in that is allowed here. */
  PIGEON_IMAP_ERROR_NO_AUTH_METHOD,
  /* STARTTLS was required but the server does not offer it or answered
   * PREAUTH in the clear (USENIX Security 2021). */
  PIGEON_IMAP_ERROR_STARTTLS,
  /* The server lacks a capability that the operation needs. */
  PIGEON_IMAP_ERROR_UNSUPPORTED,
  /* The folder's UIDVALIDITY differs from the one the caller knew: every
   * UID cached for it is void (RFC 3501 2.3.1.1). */
  PIGEON_IMAP_ERROR_UIDVALIDITY_CHANGED,
  /* An operation needs a selected folder, or the session is closed. */
  PIGEON_IMAP_ERROR_STATE,
  /* UNCHANGEDSINCE: some messages changed since the given mod-sequence. */
  PIGEON_IMAP_ERROR_MODIFIED,
} PigeonImapError;

GQuark pigeon_imap_error_quark (void);

#define PIGEON_IMAP_MAX_DEPTH 100

typedef enum
{
  PIGEON_IMAP_VALUE_NIL,
  PIGEON_IMAP_VALUE_ATOM,   /* also numbers, flags, sequence sets */
  PIGEON_IMAP_VALUE_STRING, /* quoted string or literal; may hold NULs */
  PIGEON_IMAP_VALUE_LIST,
} PigeonImapValueType;

typedef struct _PigeonImapValue PigeonImapValue;

struct _PigeonImapValue
{
  PigeonImapValueType type;
  gsize len;               /* of data */
  char *data;              /* atom or string, NUL-terminated; NULL otherwise */
  PigeonImapValue **items; /* list items */
  guint n_items;
  guint alloc;
};

void pigeon_imap_value_free (PigeonImapValue *value);
/* NULL when @value is not a list or too short. */
PigeonImapValue *pigeon_imap_value_nth (PigeonImapValue *value, guint n);
/* The text of an atom or string, NULL for NIL or a list. */
const char *pigeon_imap_value_string (PigeonImapValue *value);
gboolean pigeon_imap_value_is_list (PigeonImapValue *value);
/* A number (RFC 3501 "number" / RFC 7162 "mod-sequence-value"). */
gboolean pigeon_imap_value_number (PigeonImapValue *value, guint64 *number);
/* A case-insensitive comparison of an atom. */
gboolean pigeon_imap_value_is_atom (PigeonImapValue *value, const char *atom);

typedef enum
{
  PIGEON_IMAP_RESPONSE_UNTAGGED,
  PIGEON_IMAP_RESPONSE_TAGGED,
  PIGEON_IMAP_RESPONSE_CONTINUATION,
} PigeonImapResponseKind;

typedef enum
{
  PIGEON_IMAP_STATUS_NONE, /* a data response ("* 3 EXISTS", "* LIST ...") */
  PIGEON_IMAP_STATUS_OK,
  PIGEON_IMAP_STATUS_NO,
  PIGEON_IMAP_STATUS_BAD,
  PIGEON_IMAP_STATUS_BYE,
  PIGEON_IMAP_STATUS_PREAUTH,
} PigeonImapStatus;

typedef struct
{
  PigeonImapResponseKind kind;
  char *tag;               /* tagged responses only */
  PigeonImapStatus status; /* OK/NO/BAD/BYE/PREAUTH, or NONE for data */
  /* Status responses (RFC 3501 7.1): the response code, upper-case, and
   * its arguments as a list (possibly empty), and the human text. */
  char *code;
  PigeonImapValue *code_args;
  char *text;
  /* Data responses: "* 12 FETCH (...)" has number 12 and name "FETCH";
   * "* LIST (...)" has number 0 and has_number FALSE. name is upper-case.
   * args is a list of what follows the name. */
  gboolean has_number;
  guint64 number;
  char *name;
  PigeonImapValue *args;
} PigeonImapResponse;

void pigeon_imap_response_free (PigeonImapResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapResponse, pigeon_imap_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapValue, pigeon_imap_value_free)

typedef enum
{
  PIGEON_IMAP_PARSE_ERROR,
  PIGEON_IMAP_PARSE_COMPLETE,     /* take the response */
  PIGEON_IMAP_PARSE_NEED_LITERAL, /* feed the literal's bytes, then the next line */
} PigeonImapParseResult;

typedef struct _PigeonImapParser PigeonImapParser;

PigeonImapParser *pigeon_imap_parser_new (guint64 max_literal);
void pigeon_imap_parser_free (PigeonImapParser *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapParser, pigeon_imap_parser_free)
void pigeon_imap_parser_set_max_literal (PigeonImapParser *parser, guint64 max_literal);
/* Feeds one line without its CRLF. */
PigeonImapParseResult
pigeon_imap_parser_feed_line (PigeonImapParser *parser, const char *line, gsize len, GError **error);
/* How many literal bytes are still wanted. */
guint64 pigeon_imap_parser_literal_remaining (PigeonImapParser *parser);
/* Feeds literal bytes (at most the remaining count). */
void pigeon_imap_parser_feed_literal (PigeonImapParser *parser, const guint8 *data, gsize len);
/* After PIGEON_IMAP_PARSE_COMPLETE: the response, and the parser is ready
 * for the next one. */
PigeonImapResponse *pigeon_imap_parser_take (PigeonImapParser *parser);

/* Parses @data (lines with CRLF, literals inline) in one go, for tests and
 * the fuzzer: the responses, or NULL with @error. */
GPtrArray *pigeon_imap_parse_all (const guint8 *data, gsize len, guint64 max_literal, GError **error);

/* RFC 3501 5.1.3: modified UTF-7 mailbox names. decode returns NULL for
 * malformed input. */
char *pigeon_imap_utf7_encode (const char *utf8);
char *pigeon_imap_utf7_decode (const char *mutf7);

/* A quoted string or, when @s needs it, a literal "{n+}\r\n" form is not
 * produced here: the caller checks pigeon_imap_can_quote() first. */
gboolean pigeon_imap_can_quote (const char *s, gsize len);
void pigeon_imap_append_quoted (GString *out, const char *s);

G_END_DECLS
