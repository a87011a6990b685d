/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-mime-partial.h"

G_DEFINE_QUARK (pigeon - mime - error - quark, pigeon_mime_error)

/* No reassembled message may be larger than this. */
#define MAX_REASSEMBLED_SIZE (512 * 1024 * 1024)

typedef struct
{
  PigeonMimeMessage *message;
  guint64 number;
} Fragment;

static int
compare_fragments (gconstpointer a, gconstpointer b)
{
  const Fragment *fa = a, *fb = b;

  return fa->number < fb->number ? -1 : fa->number > fb->number;
}

static gboolean
parse_number (const char *value, guint64 *number)
{
  char *end;

  if (value == NULL || !g_ascii_isdigit (*value))
    return FALSE;
  *number = g_ascii_strtoull (value, &end, 10);
  return *end == '\0' && *number > 0;
}

/* Reads one fragment's id, number and total (RFC 2046 5.2.2); only the
 * last fragment must carry the total, but any may. */
static gboolean
read_fragment (
    PigeonMimeMessage *message, guint index, const char **id, guint64 *total, Fragment *fragment, GError **error)
{
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  const PigeonMimeContentType *type = pigeon_mime_part_get_content_type (root);
  guint64 fragment_total;

  fragment->message = message;
  if (!pigeon_mime_part_is_type (root, "message", "partial") ||
      !parse_number (pigeon_mime_content_type_get_param (type, "number"), &fragment->number))
    {
      g_set_error (error, PIGEON_MIME_ERROR, PIGEON_MIME_ERROR_NOT_PARTIAL,
                   _ ("Message %u is not a numbered message/partial fragment"), index + 1);
      return FALSE;
    }

  if (*id == NULL)
    *id = pigeon_mime_content_type_get_param (type, "id");
  if (*id == NULL || g_strcmp0 (*id, pigeon_mime_content_type_get_param (type, "id")) != 0)
    {
      g_set_error (error, PIGEON_MIME_ERROR, PIGEON_MIME_ERROR_INCONSISTENT,
                   _ ("The fragments do not share one message/partial id"));
      return FALSE;
    }

  if (parse_number (pigeon_mime_content_type_get_param (type, "total"), &fragment_total))
    {
      if (*total != 0 && *total != fragment_total)
        {
          g_set_error (error, PIGEON_MIME_ERROR, PIGEON_MIME_ERROR_INCONSISTENT,
                       _ ("The fragments disagree on their total number"));
          return FALSE;
        }
      *total = fragment_total;
    }

  return TRUE;
}

/* Sorts the fragments by number and checks that they form one complete
 * set: 1 to total, each once. */
static GArray *
collect_fragments (PigeonMimeMessage **messages, guint n_messages, GError **error)
{
  g_autoptr (GArray) fragments = g_array_sized_new (FALSE, FALSE, sizeof (Fragment), n_messages);
  const char *id = NULL;
  guint64 total = 0;

  for (guint i = 0; i < n_messages; i++)
    {
      Fragment fragment;

      if (!read_fragment (messages[i], i, &id, &total, &fragment, error))
        return NULL;
      g_array_append_val (fragments, fragment);
    }

  g_array_sort (fragments, compare_fragments);
  if (total == 0 || total != fragments->len)
    {
      g_set_error (error, PIGEON_MIME_ERROR, PIGEON_MIME_ERROR_INCOMPLETE,
                   _ ("The set of fragments is incomplete: %u of %" G_GUINT64_FORMAT " are here"), fragments->len,
                   total);
      return NULL;
    }
  for (guint i = 0; i < fragments->len; i++)
    if (g_array_index (fragments, Fragment, i).number != i + 1)
      {
        g_set_error (error, PIGEON_MIME_ERROR, PIGEON_MIME_ERROR_INCOMPLETE,
                     _ ("Fragment %u is missing or appears twice"), i + 1);
        return NULL;
      }

  return g_steal_pointer (&fragments);
}

/* RFC 2046 5.2.2.1: these fields come from the enclosed message; the rest
 * come from the first enclosing message. */
static gboolean
is_enclosed_field (const char *name, gsize len)
{
  static const char *const enclosed[] = { "Subject", "Message-ID", "Encrypted", "MIME-Version" };

  if (len >= 8 && g_ascii_strncasecmp (name, "Content-", 8) == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (enclosed); i++)
    if (len == strlen (enclosed[i]) && g_ascii_strncasecmp (name, enclosed[i], len) == 0)
      return TRUE;

  return FALSE;
}

static void
append_fields (GByteArray *out, PigeonMimePart *part, gboolean enclosed)
{
  for (guint i = 0; i < pigeon_mime_part_get_n_headers (part); i++)
    {
      gsize name_len, value_len;
      const char *value;
      const char *name = pigeon_mime_part_get_header_at (part, i, &name_len, &value, &value_len);

      if (is_enclosed_field (name, name_len) != enclosed)
        continue;
      g_byte_array_append (out, (const guint8 *) name, name_len);
      g_byte_array_append (out, (const guint8 *) ":", 1);
      g_byte_array_append (out, (const guint8 *) value, value_len);
      g_byte_array_append (out, (const guint8 *) "\r\n", 2);
    }
}

static void
append_body (GByteArray *out, PigeonMimePart *part)
{
  g_autoptr (GBytes) body = pigeon_mime_part_get_raw_body (part);
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  if (len > 0)
    g_byte_array_append (out, data, len);
}

GBytes *
pigeon_mime_partial_reassemble (PigeonMimeMessage **fragments, guint n_fragments, GError **error)
{
  g_autoptr (GArray) sorted = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (PigeonMimeMessage) enclosed = NULL;
  g_autoptr (GBytes) first_body = NULL;
  PigeonMimePart *first;
  gsize total = 0;

  g_return_val_if_fail (fragments != NULL || n_fragments == 0, NULL);

  sorted = collect_fragments (fragments, n_fragments, error);
  if (sorted == NULL)
    return NULL;

  for (guint i = 0; i < sorted->len; i++)
    total += g_bytes_get_size (pigeon_mime_message_get_bytes (g_array_index (sorted, Fragment, i).message));
  if (total > MAX_REASSEMBLED_SIZE)
    {
      g_set_error (error, PIGEON_MIME_ERROR, PIGEON_MIME_ERROR_TOO_LARGE,
                   _ ("The reassembled message would be larger than %u MiB"), MAX_REASSEMBLED_SIZE >> 20);
      return NULL;
    }

  /* The first fragment's body starts with the enclosed message's header. */
  first = pigeon_mime_message_get_root (g_array_index (sorted, Fragment, 0).message);
  first_body = pigeon_mime_part_get_raw_body (first);
  enclosed = pigeon_mime_message_new_from_bytes (first_body, NULL);

  append_fields (out, first, FALSE);
  append_fields (out, pigeon_mime_message_get_root (enclosed), TRUE);
  g_byte_array_append (out, (const guint8 *) "\r\n", 2);
  append_body (out, pigeon_mime_message_get_root (enclosed));
  for (guint i = 1; i < sorted->len; i++)
    append_body (out, pigeon_mime_message_get_root (g_array_index (sorted, Fragment, i).message));

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
