/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a path holds, for reading a mail archive. */
typedef enum
{
  PIGEON_MIME_ARCHIVE_MESSAGE = 1, /* one message file */
  PIGEON_MIME_ARCHIVE_MBOX,        /* a file starting with "From " (or empty) */
  PIGEON_MIME_ARCHIVE_MAILDIR,     /* a directory with cur/ and new/ */
  PIGEON_MIME_ARCHIVE_DIRECTORY,   /* a plain directory of message files */
} PigeonMimeArchiveKind;

/* Tells what @path is. Fails (G_IO_ERROR_*) when it cannot be read or is
 * neither a regular file nor a directory. */
gboolean pigeon_mime_archive_detect (const char *path, PigeonMimeArchiveKind *kind, GError **error);

/* How ">From " lines of an mbox are unquoted. The writers disagree and a
 * file does not say which it is: mboxo quotes "From " as ">From " but not
 * ">From " itself, so an original ">From " line cannot be told apart;
 * mboxrd quotes every ^>*From line with one more '>'. Unquoting the
 * mboxrd way removes one '>' from ^>+From lines; for the common single '>'
 * both agree, so it is the default. */
typedef enum
{
  PIGEON_MIME_MBOX_AUTO = 0, /* the same as MBOXRD */
  PIGEON_MIME_MBOX_MBOXRD,   /* ^>+From : one '>' removed */
  PIGEON_MIME_MBOX_MBOXO,    /* ^>From : the '>' removed; ^>>+From kept */
} PigeonMimeMboxFormat;

/* An iterator over the messages of an mbox file. Messages start at a
 * "From " line at the start of the file or after an empty line (LF or
 * CRLF); the "From " line and the empty line before the next are not part
 * of the message. Messages are slices of the file's bytes (no copy) unless
 * they have quoted "From " lines to undo. Memory does not grow with the
 * number of messages. */
typedef struct _PigeonMimeMbox PigeonMimeMbox;

/* Iterates over @bytes (kept by the iterator). */
PigeonMimeMbox *pigeon_mime_mbox_new (GBytes *bytes, PigeonMimeMboxFormat format);
/* Maps the file at @path read-only and iterates over it. */
PigeonMimeMbox *pigeon_mime_mbox_new_for_path (const char *path, PigeonMimeMboxFormat format, GError **error);
void pigeon_mime_mbox_free (PigeonMimeMbox *self);

/* The next message, or NULL at the end. */
GBytes *pigeon_mime_mbox_next (PigeonMimeMbox *self);
/* For the message last returned: the offset of its "From " line in the
 * file, and that line without its line end ("" when the file did not
 * start with "From "); a pointer into the file's bytes. */
goffset pigeon_mime_mbox_get_offset (PigeonMimeMbox *self);
const char *pigeon_mime_mbox_get_from_line (PigeonMimeMbox *self, gsize *len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonMimeMbox, pigeon_mime_mbox_free)

typedef enum
{
  PIGEON_MIME_ARCHIVE_FLAGS_NONE = 0,
  /* Maildir++: also read the ".Name" subfolders of a Maildir. */
  PIGEON_MIME_ARCHIVE_SUBFOLDERS = 1 << 0,
} PigeonMimeArchiveFlags;

/* An iterator over every message of a path, whatever its kind: a message
 * file, an mbox, a Maildir (cur/ and new/ together, sorted by file name;
 * tmp/ is skipped; with SUBFOLDERS, then each ".Name" subfolder in name
 * order) or a directory of message files (sorted by name, not recursive).
 * Names starting with '.' are skipped. One folder's file names are held
 * at a time. */
typedef struct _PigeonMimeArchive PigeonMimeArchive;

PigeonMimeArchive *
pigeon_mime_archive_open (const char *path, PigeonMimeMboxFormat format, PigeonMimeArchiveFlags flags, GError **error);
void pigeon_mime_archive_free (PigeonMimeArchive *self);
PigeonMimeArchiveKind pigeon_mime_archive_get_kind (PigeonMimeArchive *self);

/* The next message; NULL at the end (@error unset) or when a file cannot
 * be read (@error set; the next call goes on with the following file). */
GBytes *pigeon_mime_archive_next (PigeonMimeArchive *self, GError **error);
/* Where the message last returned (or that failed) came from: its file,
 * and its offset in an mbox (-1 for a whole file). */
const char *pigeon_mime_archive_get_path (PigeonMimeArchive *self);
goffset pigeon_mime_archive_get_offset (PigeonMimeArchive *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonMimeArchive, pigeon_mime_archive_free)

G_END_DECLS
