/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PIGEON_STORE_ERROR (pigeon_store_error_quark ())

typedef enum
{
  /* The database file is damaged or is not a database. */
  PIGEON_STORE_ERROR_CORRUPT = 1,
  /* The database was written by a newer Pigeon. */
  PIGEON_STORE_ERROR_TOO_NEW,
  /* A migration script failed. */
  PIGEON_STORE_ERROR_MIGRATION,
  /* Any other SQLite failure (disk full, I/O error, ...). */
  PIGEON_STORE_ERROR_SQLITE,
  /* The row the call names does not exist (any more). */
  PIGEON_STORE_ERROR_NOT_FOUND,
  /* A search query the parser cannot read. */
  PIGEON_STORE_ERROR_BAD_QUERY,
  /* The store was closed. */
  PIGEON_STORE_ERROR_CLOSED,
} PigeonStoreError;

GQuark pigeon_store_error_quark (void);

/* Values are stored in the database: never renumber. */
typedef enum
{
  PIGEON_PROTOCOL_IMAP = 1,
  PIGEON_PROTOCOL_POP3 = 2,
} PigeonProtocol;

typedef enum
{
  PIGEON_SECURITY_TLS = 1,
  PIGEON_SECURITY_STARTTLS = 2,
  /* Allowed only to loopback (ARCHITECTURE.md); the engine enforces it. */
  PIGEON_SECURITY_NONE = 3,
} PigeonSecurity;

/* RFC 6154 special-use roles, plus the inbox. Stored in the database. */
typedef enum
{
  PIGEON_FOLDER_ROLE_NONE = 0,
  PIGEON_FOLDER_ROLE_INBOX,
  PIGEON_FOLDER_ROLE_DRAFTS,
  PIGEON_FOLDER_ROLE_SENT,
  PIGEON_FOLDER_ROLE_ARCHIVE,
  PIGEON_FOLDER_ROLE_JUNK,
  PIGEON_FOLDER_ROLE_TRASH,
  PIGEON_FOLDER_ROLE_ALL,
  PIGEON_FOLDER_ROLE_FLAGGED,
} PigeonFolderRole;

/* IMAP system flags (RFC 3501 2.3.2) and two common keywords. Stored in
 * the database as this bit mask. */
typedef enum
{
  PIGEON_MESSAGE_FLAGS_NONE = 0,
  PIGEON_MESSAGE_SEEN = 1 << 0,
  PIGEON_MESSAGE_ANSWERED = 1 << 1,
  PIGEON_MESSAGE_FLAGGED = 1 << 2,
  PIGEON_MESSAGE_DELETED = 1 << 3,
  PIGEON_MESSAGE_DRAFT = 1 << 4,
  PIGEON_MESSAGE_FORWARDED = 1 << 5,
  PIGEON_MESSAGE_JUNK = 1 << 6,
} PigeonMessageFlags;

typedef enum
{
  PIGEON_SORT_DATE = 1,
  PIGEON_SORT_SENDER,
  PIGEON_SORT_SUBJECT,
  PIGEON_SORT_SIZE,
} PigeonSortKey;

typedef enum
{
  PIGEON_OUTBOX_QUEUED = 1,
  PIGEON_OUTBOX_SENDING,
  /* The last attempt failed; the engine retries later. */
  PIGEON_OUTBOX_FAILED,
} PigeonOutboxState;

typedef enum
{
  PIGEON_PENDING_FLAGS = 1,
  PIGEON_PENDING_MOVE,
  PIGEON_PENDING_DELETE,
  PIGEON_PENDING_APPEND,
} PigeonPendingKind;

G_END_DECLS
