/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "pigeon-imap-response.h"

G_BEGIN_DECLS

/* What the session hands over: one FETCH response, a mailbox from LIST,
 * the state of a selected folder. Built from the parsed values; strings
 * of an ENVELOPE are decoded (RFC 2047) by src/mime. */

typedef struct
{
  char *date;       /* as sent */
  gint64 unix_time; /* 0 when the date did not parse */
  char *subject;    /* decoded UTF-8 */
  GPtrArray *from;  /* PigeonMimeAddress; never NULL */
  GPtrArray *sender;
  GPtrArray *reply_to;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  char *in_reply_to;
  char *message_id;
} PigeonImapEnvelope;

void pigeon_imap_envelope_free (PigeonImapEnvelope *envelope);
/* NULL when @value is not an ENVELOPE (RFC 3501 7.4.2). */
PigeonImapEnvelope *pigeon_imap_envelope_parse (PigeonImapValue *value);

typedef struct _PigeonImapBody PigeonImapBody;

/* One node of a BODYSTRUCTURE. A multipart has children; a message/rfc822
 * has one child (the enclosed message's body). */
struct _PigeonImapBody
{
  char *type;         /* lower-case: "text", "multipart", ... */
  char *subtype;      /* lower-case */
  char *section;      /* "1.2", "" for the top */
  GHashTable *params; /* lower-case name -> value */
  char *id;
  char *description;
  char *encoding; /* lower-case */
  guint64 size;
  guint64 lines;
  char *disposition;   /* lower-case; NULL when absent */
  char *filename;      /* from the disposition's or the type's parameters */
  GPtrArray *children; /* PigeonImapBody */
};

void pigeon_imap_body_free (PigeonImapBody *body);
/* NULL when @value is not a body structure. The values are at most
 * PIGEON_IMAP_MAX_DEPTH deep, which bounds this walk. */
PigeonImapBody *pigeon_imap_body_parse (PigeonImapValue *value);

typedef enum
{
  PIGEON_IMAP_FETCH_UID = 1 << 0,
  PIGEON_IMAP_FETCH_FLAGS = 1 << 1,
  PIGEON_IMAP_FETCH_INTERNALDATE = 1 << 2,
  PIGEON_IMAP_FETCH_SIZE = 1 << 3,
  PIGEON_IMAP_FETCH_ENVELOPE = 1 << 4,
  PIGEON_IMAP_FETCH_BODYSTRUCTURE = 1 << 5,
  PIGEON_IMAP_FETCH_MODSEQ = 1 << 6,
  PIGEON_IMAP_FETCH_HEADER = 1 << 7, /* BODY.PEEK[HEADER] */
  PIGEON_IMAP_FETCH_BODY = 1 << 8,   /* BODY.PEEK[] */
} PigeonImapFetchItems;

#define PIGEON_IMAP_FETCH_SUMMARY                                                                              \
  (PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_FLAGS | PIGEON_IMAP_FETCH_INTERNALDATE | PIGEON_IMAP_FETCH_SIZE | \
   PIGEON_IMAP_FETCH_ENVELOPE | PIGEON_IMAP_FETCH_BODYSTRUCTURE)

typedef struct
{
  guint32 seq;
  PigeonImapFetchItems present; /* which of the fields below were sent */
  guint32 uid;
  char **flags;
  char *internaldate;
  gint64 internal_time;
  guint64 size;
  guint64 modseq;
  PigeonImapEnvelope *envelope;
  PigeonImapBody *body_structure;
  /* "HEADER", "", "1.2", "1.2<0>": the section as the server named it
   * (without BODY[ ]) -> GBytes */
  GHashTable *sections;
} PigeonImapFetch;

void pigeon_imap_fetch_free (PigeonImapFetch *fetch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapFetch, pigeon_imap_fetch_free)
/* From "* n FETCH (...)". NULL when the item list is malformed. */
PigeonImapFetch *pigeon_imap_fetch_parse (PigeonImapResponse *response);
gboolean pigeon_imap_fetch_has_flag (PigeonImapFetch *fetch, const char *flag);
GBytes *pigeon_imap_fetch_get_section (PigeonImapFetch *fetch, const char *section);

typedef enum
{
  PIGEON_IMAP_ROLE_NONE,
  PIGEON_IMAP_ROLE_INBOX,
  PIGEON_IMAP_ROLE_ALL,
  PIGEON_IMAP_ROLE_ARCHIVE,
  PIGEON_IMAP_ROLE_DRAFTS,
  PIGEON_IMAP_ROLE_FLAGGED,
  PIGEON_IMAP_ROLE_JUNK,
  PIGEON_IMAP_ROLE_SENT,
  PIGEON_IMAP_ROLE_TRASH,
} PigeonImapRole;

const char *pigeon_imap_role_to_string (PigeonImapRole role);

typedef struct
{
  char *name;     /* UTF-8, decoded from modified UTF-7 unless UTF-8 was sent */
  char *raw_name; /* as the server named it, for commands */
  char delimiter; /* '\0' when flat */
  char **attributes;
  PigeonImapRole role;
  gboolean noselect;     /* \Noselect or \NonExistent */
  gboolean has_children; /* \HasChildren */
  gboolean subscribed;   /* \Subscribed */
  /* From LIST-STATUS or STATUS; has_status says they were sent. */
  gboolean has_status;
  guint32 messages;
  guint32 unseen;
  guint32 uidnext;
  guint32 uidvalidity;
  guint64 highestmodseq;
} PigeonImapMailbox;

void pigeon_imap_mailbox_free (PigeonImapMailbox *mailbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapMailbox, pigeon_imap_mailbox_free)
/* From "* LIST (attrs) delim name". */
PigeonImapMailbox *pigeon_imap_mailbox_parse (PigeonImapResponse *response, gboolean utf8);
/* Applies "* STATUS name (items)". */
void pigeon_imap_mailbox_apply_status (PigeonImapMailbox *mailbox, PigeonImapValue *items);

/* What SELECT or EXAMINE reported (RFC 3501 6.3.1, RFC 7162 3.1.2). */
typedef struct
{
  char *name;
  gboolean read_only;
  guint32 exists;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq; /* 0 when the server has no CONDSTORE (NOMODSEQ) */
  char **flags;
  char **permanent_flags;
  /* QRESYNC: UIDs the server says vanished since the known state (a
   * sequence set as sent), and how many FETCH changes were reported
   * through the select's fetch callback. */
  char *vanished;
  guint changed;
} PigeonImapSelected;

void pigeon_imap_selected_free (PigeonImapSelected *selected);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapSelected, pigeon_imap_selected_free)

/* A UID set "1:3,7" into a sorted array of guint32; NULL when malformed
 * or longer than @max UIDs. */
GArray *pigeon_imap_uid_set_parse (const char *set, guint max);
/* UIDs into the shortest set "1:3,7". */
char *pigeon_imap_uid_set_format (const guint32 *uids, guint n);

G_END_DECLS
