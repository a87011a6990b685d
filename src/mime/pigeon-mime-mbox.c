/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include "pigeon-mime-mbox.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

/* Pages of a mapped mbox behind the iterator are given back to the kernel
 * in steps of this size, so that reading a large file does not keep it all
 * resident. A slice still held by a caller reads back in from the file. */
#define RELEASE_STEP (64 * 1024 * 1024)

struct _PigeonMimeMbox
{
  GBytes *bytes;
  gboolean mapped; /* @bytes is a read-only private file mapping */
  const char *data;
  gsize len;
  PigeonMimeMboxFormat format;
  gsize pos;      /* where the next message's "From " line starts */
  gsize released; /* the pages before this offset were released */
  gsize offset;   /* of the last message's "From " line */
  const char *from_line;
  gsize from_line_len;
};

PigeonMimeMbox *
pigeon_mime_mbox_new (GBytes *bytes, PigeonMimeMboxFormat format)
{
  PigeonMimeMbox *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_new0 (PigeonMimeMbox, 1);
  self->bytes = g_bytes_ref (bytes);
  self->data = g_bytes_get_data (bytes, &self->len);
  self->format = format == PIGEON_MIME_MBOX_AUTO ? PIGEON_MIME_MBOX_MBOXRD : format;
  self->from_line = "";
  return self;
}

PigeonMimeMbox *
pigeon_mime_mbox_new_for_path (const char *path, PigeonMimeMboxFormat format, GError **error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;
  PigeonMimeMbox *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  self = pigeon_mime_mbox_new (bytes, format);
  self->mapped = self->len > 0;
#ifdef MADV_SEQUENTIAL
  if (self->mapped)
    madvise ((void *) self->data, self->len, MADV_SEQUENTIAL);
#endif
  return self;
}

void
pigeon_mime_mbox_free (PigeonMimeMbox *self)
{
  if (self == NULL)
    return;
  g_bytes_unref (self->bytes);
  g_free (self);
}

/* Whether the line at @p, of [@p, @end), is ">From ", ">>From ", ... */
static gboolean
is_quoted_from (const char *p, const char *end)
{
  while (p < end && *p == '>')
    p++;
  return end - p >= 5 && memcmp (p, "From ", 5) == 0;
}

/* Whether the "From " line at @p, after the line start @data + @from,
 * follows an empty line (LF or CRLF); sets *@msg_end to where that line
 * starts. */
static gboolean
follows_empty_line (const char *data, const char *p, gsize *msg_end)
{
  if (p - data >= 2 && p[-1] == '\n' && p[-2] == '\n')
    {
      *msg_end = p - 1 - data;
      return TRUE;
    }
  if (p - data >= 3 && p[-1] == '\n' && p[-2] == '\r' && p[-3] == '\n')
    {
      *msg_end = p - 2 - data;
      return TRUE;
    }
  return FALSE;
}

/* Walks the lines of the message whose body starts at the line start
 * @from, up to a "From " line after an empty line. Sets *@msg_end to where
 * that empty line starts and *@quoted when a line is a quoted "From ", and
 * returns the offset of the next "From " line, or the length at the end.
 * One memchr per line finds both in one pass, faster than two memmem. */
static gsize
find_next_from (const char *data, gsize len, gsize from, gsize *msg_end, gboolean *quoted)
{
  const char *end = data + len;
  const char *p = data + from;

  *quoted = FALSE;
  while (p < end)
    {
      if (*p == '>' && is_quoted_from (p, end))
        *quoted = TRUE;
      else if (*p == 'F' && end - p >= 5 && memcmp (p, "From ", 5) == 0 && follows_empty_line (data, p, msg_end))
        return p - data;
      p = memchr (p, '\n', end - p);
      if (p == NULL)
        break;
      p++;
    }

  /* The last message: the writer's empty line after it is not part of it. */
  *msg_end = len;
  if (len >= from + 1 && len >= 2 && data[len - 1] == '\n' && data[len - 2] == '\n')
    *msg_end = len - 1;
  else if (len >= from + 2 && len >= 4 && memcmp (data + len - 4, "\r\n\r\n", 4) == 0)
    *msg_end = len - 2;
  return len;
}

/* The start of the '>' run before the "From " at @from_at, if it starts a
 * line of [@start, ...) and the format unquotes it; else -1. */
static gssize
quoted_from_line_start (const char *data, gsize start, gsize from_at, PigeonMimeMboxFormat format)
{
  gsize s = from_at - 1;

  while (s > start && data[s - 1] == '>')
    s--;
  if (s > start && data[s - 1] != '\n')
    return -1;
  if (format == PIGEON_MIME_MBOX_MBOXO && s != from_at - 1)
    return -1;
  return s;
}

/* Undoes the quoting of "From " lines in [@start, @end): one '>' off each
 * ^>+From line (mboxrd) or ^>From line (mboxo). Returns NULL when there is
 * none, so that the caller can keep the slice without a copy. */
static GBytes *
unquote (PigeonMimeMbox *self, gsize start, gsize end)
{
  const char *data = self->data;
  GString *out = NULL;
  gsize copied = start;
  gsize p = start;
  const char *hit;

  while (p < end && (hit = memmem (data + p, end - p, ">From ", 6)) != NULL)
    {
      gsize from_at = hit - data + 1;
      gssize s = quoted_from_line_start (data, start, from_at, self->format);

      if (s >= 0)
        {
          if (out == NULL)
            out = g_string_sized_new (end - start);
          g_string_append_len (out, data + copied, s - copied);
          copied = s + 1;
        }
      p = from_at + 5;
    }
  if (out == NULL)
    return NULL;
  g_string_append_len (out, data + copied, end - copied);
  return g_string_free_to_bytes (out);
}

/* Gives the pages before @upto back to the kernel (see RELEASE_STEP). */
static void
release_pages (PigeonMimeMbox *self, gsize upto)
{
#ifdef MADV_DONTNEED
  gsize page = sysconf (_SC_PAGESIZE);
  gsize end = upto - upto % page;

  if (!self->mapped || end < self->released + RELEASE_STEP)
    return;
  madvise ((void *) (self->data + self->released), end - self->released, MADV_DONTNEED);
  self->released = end;
#endif
}

GBytes *
pigeon_mime_mbox_next (PigeonMimeMbox *self)
{
  gsize body = self->pos;
  gsize end;
  gboolean quoted;
  GBytes *unquoted;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->pos >= self->len)
    return NULL;

  release_pages (self, self->pos);
  self->offset = self->pos;
  self->from_line = self->data + self->pos;
  self->from_line_len = 0;
  if (self->len - self->pos >= 5 && memcmp (self->from_line, "From ", 5) == 0)
    {
      const char *nl = memchr (self->from_line, '\n', self->len - self->pos);

      body = nl != NULL ? (gsize) (nl - self->data) + 1 : self->len;
      self->from_line_len = body - self->pos;
      while (self->from_line_len > 0 &&
             (self->from_line[self->from_line_len - 1] == '\n' || self->from_line[self->from_line_len - 1] == '\r'))
        self->from_line_len--;
    }

  self->pos = find_next_from (self->data, self->len, body, &end, &quoted);
  unquoted = quoted ? unquote (self, body, end) : NULL;
  if (unquoted != NULL)
    return unquoted;
  return g_bytes_new_from_bytes (self->bytes, body, end - body);
}

goffset
pigeon_mime_mbox_get_offset (PigeonMimeMbox *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->offset;
}

const char *
pigeon_mime_mbox_get_from_line (PigeonMimeMbox *self, gsize *len)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (len != NULL)
    *len = self->from_line_len;
  return self->from_line;
}

static gboolean
set_errno_error (GError **error, int saved_errno, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _ ("Cannot read “%s”: %s"), path,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
is_maildir (const char *path)
{
  g_autofree char *cur = g_build_filename (path, "cur", NULL);
  g_autofree char *new = g_build_filename (path, "new", NULL);

  return g_file_test (cur, G_FILE_TEST_IS_DIR) && g_file_test (new, G_FILE_TEST_IS_DIR);
}

/* An mbox starts with "From "; an empty file is an empty mbox. */
static gboolean
detect_file (const char *path, PigeonMimeArchiveKind *kind, GError **error)
{
  char head[5];
  gssize n;
  int fd = g_open (path, O_RDONLY, 0);

  if (fd < 0)
    return set_errno_error (error, errno, path);
  n = read (fd, head, sizeof head);
  if (n < 0)
    {
      int saved_errno = errno;

      close (fd);
      return set_errno_error (error, saved_errno, path);
    }
  close (fd);
  if (n == 0 || (n == 5 && memcmp (head, "From ", 5) == 0))
    *kind = PIGEON_MIME_ARCHIVE_MBOX;
  else
    *kind = PIGEON_MIME_ARCHIVE_MESSAGE;
  return TRUE;
}

gboolean
pigeon_mime_archive_detect (const char *path, PigeonMimeArchiveKind *kind, GError **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_stat (path, &st) != 0)
    return set_errno_error (error, errno, path);
  if (S_ISDIR (st.st_mode))
    {
      *kind = is_maildir (path) ? PIGEON_MIME_ARCHIVE_MAILDIR : PIGEON_MIME_ARCHIVE_DIRECTORY;
      return TRUE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, _ ("“%s” is neither a mail file nor a directory"),
                   path);
      return FALSE;
    }
  return detect_file (path, kind, error);
}

struct _PigeonMimeArchive
{
  PigeonMimeArchiveKind kind;
  char *root;
  PigeonMimeMbox *mbox; /* MBOX */
  gboolean done;        /* MESSAGE: the file was returned */
  GQueue folders;       /* MAILDIR, DIRECTORY: folders still to list */
  GPtrArray *files;     /* the current folder's file paths, sorted */
  guint next_file;
  char *path; /* the current message's file */
  goffset offset;
};

static int
compare_basenames (gconstpointer a, gconstpointer b)
{
  const char *pa = *(const char *const *) a;
  const char *pb = *(const char *const *) b;

  return strcmp (strrchr (pa, G_DIR_SEPARATOR) + 1, strrchr (pb, G_DIR_SEPARATOR) + 1);
}

/* Adds the regular files of @dir to @files; names starting with '.' are
 * not messages (Maildir keeps tmp/ and metadata apart that way). */
static gboolean
list_files (const char *dir, GPtrArray *files, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *path;

      if (name[0] == '.')
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, path);
      else
        g_free (path);
    }
  return TRUE;
}

/* Maildir: cur/ and new/ together, sorted by name (the delivery time comes
 * first in Maildir names); tmp/ holds deliveries in progress. */
static gboolean
list_folder (PigeonMimeArchive *self, const char *folder, GError **error)
{
  g_clear_pointer (&self->files, g_ptr_array_unref);
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->next_file = 0;
  if (self->kind == PIGEON_MIME_ARCHIVE_MAILDIR)
    {
      g_autofree char *cur = g_build_filename (folder, "cur", NULL);
      g_autofree char *new = g_build_filename (folder, "new", NULL);

      if (!list_files (cur, self->files, error) || !list_files (new, self->files, error))
        return FALSE;
    }
  else if (!list_files (folder, self->files, error))
    return FALSE;
  g_ptr_array_sort (self->files, compare_basenames);
  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Maildir++: subfolders are ".Name" directories of the root, each a
 * Maildir itself ("." and ".." are not folders). */
static gboolean
queue_subfolders (PigeonMimeArchive *self, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (self->root, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *path;

      if (name[0] != '.' || strcmp (name, "..") == 0 || strcmp (name, ".") == 0)
        continue;
      path = g_build_filename (self->root, name, NULL);
      if (is_maildir (path))
        g_ptr_array_add (names, path);
      else
        g_free (path);
    }
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_queue_push_tail (&self->folders, g_ptr_array_index (names, i));
  return TRUE;
}

PigeonMimeArchive *
pigeon_mime_archive_open (const char *path, PigeonMimeMboxFormat format, PigeonMimeArchiveFlags flags, GError **error)
{
  g_autoptr (PigeonMimeArchive) self = g_new0 (PigeonMimeArchive, 1);

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->root = g_strdup (path);
  self->offset = -1;
  if (!pigeon_mime_archive_detect (path, &self->kind, error))
    return NULL;
  if (self->kind == PIGEON_MIME_ARCHIVE_MBOX)
    {
      self->mbox = pigeon_mime_mbox_new_for_path (path, format, error);
      if (self->mbox == NULL)
        return NULL;
    }
  else if (self->kind == PIGEON_MIME_ARCHIVE_MAILDIR || self->kind == PIGEON_MIME_ARCHIVE_DIRECTORY)
    {
      g_queue_push_tail (&self->folders, g_strdup (path));
      if (self->kind == PIGEON_MIME_ARCHIVE_MAILDIR && (flags & PIGEON_MIME_ARCHIVE_SUBFOLDERS) != 0 &&
          !queue_subfolders (self, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

void
pigeon_mime_archive_free (PigeonMimeArchive *self)
{
  if (self == NULL)
    return;
  g_free (self->root);
  g_clear_pointer (&self->mbox, pigeon_mime_mbox_free);
  g_queue_clear_full (&self->folders, g_free);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_free (self->path);
  g_free (self);
}

PigeonMimeArchiveKind
pigeon_mime_archive_get_kind (PigeonMimeArchive *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->kind;
}

static GBytes *
read_file (PigeonMimeArchive *self, const char *path, GError **error)
{
  char *contents;
  gsize len;

  g_free (self->path);
  self->path = g_strdup (path);
  self->offset = -1;
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  return g_bytes_new_take (contents, len);
}

/* The next file of the current folder, listing the next folder when the
 * current one is done. */
static GBytes *
next_in_folders (PigeonMimeArchive *self, GError **error)
{
  while (self->files == NULL || self->next_file >= self->files->len)
    {
      g_autofree char *folder = g_queue_pop_head (&self->folders);

      if (folder == NULL)
        return NULL;
      if (!list_folder (self, folder, error))
        {
          g_free (self->path);
          self->path = g_steal_pointer (&folder);
          self->offset = -1;
          return NULL;
        }
    }
  return read_file (self, g_ptr_array_index (self->files, self->next_file++), error);
}

GBytes *
pigeon_mime_archive_next (PigeonMimeArchive *self, GError **error)
{
  GBytes *message;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (self->kind)
    {
    case PIGEON_MIME_ARCHIVE_MESSAGE:
      if (self->done)
        return NULL;
      self->done = TRUE;
      return read_file (self, self->root, error);
    case PIGEON_MIME_ARCHIVE_MBOX:
      message = pigeon_mime_mbox_next (self->mbox);
      if (self->path == NULL)
        self->path = g_strdup (self->root);
      self->offset = pigeon_mime_mbox_get_offset (self->mbox);
      return message;
    case PIGEON_MIME_ARCHIVE_MAILDIR:
    case PIGEON_MIME_ARCHIVE_DIRECTORY:
      return next_in_folders (self, error);
    default:
      g_assert_not_reached ();
    }
}

const char *
pigeon_mime_archive_get_path (PigeonMimeArchive *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

goffset
pigeon_mime_archive_get_offset (PigeonMimeArchive *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->offset;
}
