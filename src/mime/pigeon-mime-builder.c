/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include "pigeon-mime-builder.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pigeon-mime-codec.h"
#include "pigeon-mime-date.h"
#include "pigeon-mime-header.h"

/* RFC 5322 2.1.1: a line is at most 998 octets before its CRLF. */
#define MAX_LINE 998

typedef struct
{
  GFile *file;
  GBytes *data;
  char *filename;
  char *content_type;
} Attachment;

struct _PigeonMimeBuilder
{
  GObject parent_instance;

  PigeonMimeAddress *from;
  GPtrArray *to; /* of PigeonMimeAddress */
  GPtrArray *cc;
  GPtrArray *bcc;
  GPtrArray *reply_to;
  char *subject;
  gboolean has_date;
  gint64 date;
  int tz_offset;
  char *message_id;
  char *user_agent;
  GPtrArray *extra_headers; /* name, value, name, value, ... */
  char *in_reply_to;
  GStrv references;
  char *text;
  char *html;
  GPtrArray *attachments; /* of Attachment */
  gboolean allow_8bit;
  PigeonMimeTransport transport;
};

G_DEFINE_FINAL_TYPE (PigeonMimeBuilder, pigeon_mime_builder, G_TYPE_OBJECT)

static void
attachment_free (Attachment *attachment)
{
  g_clear_object (&attachment->file);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment->filename);
  g_free (attachment->content_type);
  g_free (attachment);
}

static void
pigeon_mime_builder_finalize (GObject *object)
{
  PigeonMimeBuilder *self = PIGEON_MIME_BUILDER (object);

  g_clear_pointer (&self->from, pigeon_mime_address_free);
  g_clear_pointer (&self->to, g_ptr_array_unref);
  g_clear_pointer (&self->cc, g_ptr_array_unref);
  g_clear_pointer (&self->bcc, g_ptr_array_unref);
  g_clear_pointer (&self->reply_to, g_ptr_array_unref);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->message_id, g_free);
  g_clear_pointer (&self->user_agent, g_free);
  g_clear_pointer (&self->extra_headers, g_ptr_array_unref);
  g_clear_pointer (&self->in_reply_to, g_free);
  g_clear_pointer (&self->references, g_strfreev);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->html, g_free);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (pigeon_mime_builder_parent_class)->finalize (object);
}

static void
pigeon_mime_builder_class_init (PigeonMimeBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pigeon_mime_builder_finalize;
}

static void
pigeon_mime_builder_init (PigeonMimeBuilder *self)
{
  self->to = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
  self->cc = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
  self->bcc = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
  self->reply_to = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
  self->extra_headers = g_ptr_array_new_with_free_func (g_free);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
}

PigeonMimeBuilder *
pigeon_mime_builder_new (void)
{
  return g_object_new (PIGEON_MIME_TYPE_BUILDER, NULL);
}

static gboolean
is_ascii (const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) data[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* Copies @address with its domain in ASCII (IDNA, RFC 5890) when it has a
 * non-ASCII one that converts; otherwise as it is (build() judges it). */
static PigeonMimeAddress *
address_copy (const PigeonMimeAddress *address)
{
  PigeonMimeAddress *copy = pigeon_mime_address_new (address->name, address->address);
  const char *at = address->address != NULL ? strrchr (address->address, '@') : NULL;

  copy->group = g_strdup (address->group);
  if (at != NULL && !is_ascii (at + 1, strlen (at + 1)))
    {
      g_autofree char *domain = g_hostname_to_ascii (at + 1);

      if (domain != NULL)
        {
          g_free (copy->address);
          copy->address = g_strdup_printf ("%.*s@%s", (int) (at - address->address), address->address, domain);
        }
    }
  return copy;
}

void
pigeon_mime_builder_set_from (PigeonMimeBuilder *self, const PigeonMimeAddress *from)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  g_clear_pointer (&self->from, pigeon_mime_address_free);
  if (from != NULL)
    self->from = address_copy (from);
}

static void
add_address (GPtrArray *list, const PigeonMimeAddress *address)
{
  g_ptr_array_add (list, address_copy (address));
}

void
pigeon_mime_builder_add_to (PigeonMimeBuilder *self, const PigeonMimeAddress *address)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (address != NULL);

  add_address (self->to, address);
}

void
pigeon_mime_builder_add_cc (PigeonMimeBuilder *self, const PigeonMimeAddress *address)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (address != NULL);

  add_address (self->cc, address);
}

void
pigeon_mime_builder_add_bcc (PigeonMimeBuilder *self, const PigeonMimeAddress *address)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (address != NULL);

  add_address (self->bcc, address);
}

void
pigeon_mime_builder_add_reply_to (PigeonMimeBuilder *self, const PigeonMimeAddress *address)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (address != NULL);

  add_address (self->reply_to, address);
}

void
pigeon_mime_builder_set_subject (PigeonMimeBuilder *self, const char *subject)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (subject == NULL || g_utf8_validate (subject, -1, NULL));

  g_free (self->subject);
  self->subject = g_strdup (subject);
}

void
pigeon_mime_builder_set_date (PigeonMimeBuilder *self, gint64 unix_time, int tz_offset)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  self->has_date = TRUE;
  self->date = unix_time;
  self->tz_offset = tz_offset;
}

void
pigeon_mime_builder_set_message_id (PigeonMimeBuilder *self, const char *message_id)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  g_free (self->message_id);
  self->message_id = g_strdup (message_id);
}

const char *
pigeon_mime_builder_get_message_id (PigeonMimeBuilder *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_BUILDER (self), NULL);

  return self->message_id;
}

void
pigeon_mime_builder_set_user_agent (PigeonMimeBuilder *self, const char *user_agent)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  g_free (self->user_agent);
  self->user_agent = g_strdup (user_agent);
}

void
pigeon_mime_builder_add_header (PigeonMimeBuilder *self, const char *name, const char *value)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL && g_utf8_validate (value, -1, NULL));

  g_ptr_array_add (self->extra_headers, g_strdup (name));
  g_ptr_array_add (self->extra_headers, g_strdup (value));
}

void
pigeon_mime_builder_set_in_reply_to (PigeonMimeBuilder *self, const char *message_id)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  g_free (self->in_reply_to);
  self->in_reply_to = g_strdup (message_id);
}

void
pigeon_mime_builder_set_references (PigeonMimeBuilder *self, const char *const *message_ids)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  g_strfreev (self->references);
  self->references = message_ids != NULL && message_ids[0] != NULL ? g_strdupv ((char **) message_ids) : NULL;
}

/* RFC 5322 3.6.4: id-left "@" id-right, without the angle brackets; no
 * whitespace, controls or brackets that would end or split it. */
static gboolean
is_msg_id (const char *id)
{
  const char *at = strchr (id, '@');

  if (at == NULL || at == id || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}

void
pigeon_mime_builder_set_parent (PigeonMimeBuilder *self,
                                const char *parent_message_id,
                                const char *const *parent_references,
                                const char *const *parent_in_reply_to)
{
  g_autoptr (GStrvBuilder) references = g_strv_builder_new ();
  g_auto (GStrv) ids = NULL;

  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (parent_message_id != NULL);

  /* The parent's ids come from a received message: a malformed one is
   * dropped rather than failing the reply. */
  if (parent_references != NULL && parent_references[0] != NULL)
    {
      for (guint i = 0; parent_references[i] != NULL; i++)
        if (is_msg_id (parent_references[i]))
          g_strv_builder_add (references, parent_references[i]);
    }
  else if (parent_in_reply_to != NULL && parent_in_reply_to[0] != NULL && parent_in_reply_to[1] == NULL &&
           is_msg_id (parent_in_reply_to[0]))
    g_strv_builder_add (references, parent_in_reply_to[0]);

  if (is_msg_id (parent_message_id))
    {
      g_strv_builder_add (references, parent_message_id);
      pigeon_mime_builder_set_in_reply_to (self, parent_message_id);
    }
  else
    pigeon_mime_builder_set_in_reply_to (self, NULL);
  ids = g_strv_builder_end (references);
  pigeon_mime_builder_set_references (self, (const char *const *) ids);
}

void
pigeon_mime_builder_set_text (PigeonMimeBuilder *self, const char *text)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (text == NULL || g_utf8_validate (text, -1, NULL));

  g_free (self->text);
  self->text = g_strdup (text);
}

void
pigeon_mime_builder_set_html (PigeonMimeBuilder *self, const char *html)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (html == NULL || g_utf8_validate (html, -1, NULL));

  g_free (self->html);
  self->html = g_strdup (html);
}

void
pigeon_mime_builder_add_attachment_file (PigeonMimeBuilder *self,
                                         GFile *file,
                                         const char *filename,
                                         const char *content_type)
{
  Attachment *attachment;

  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (G_IS_FILE (file));

  attachment = g_new0 (Attachment, 1);
  attachment->file = g_object_ref (file);
  attachment->filename = g_strdup (filename);
  attachment->content_type = g_strdup (content_type);
  g_ptr_array_add (self->attachments, attachment);
}

void
pigeon_mime_builder_add_attachment_bytes (PigeonMimeBuilder *self,
                                          GBytes *data,
                                          const char *filename,
                                          const char *content_type)
{
  Attachment *attachment;

  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (data != NULL);

  attachment = g_new0 (Attachment, 1);
  attachment->data = g_bytes_ref (data);
  attachment->filename = g_strdup (filename);
  attachment->content_type = g_strdup (content_type);
  g_ptr_array_add (self->attachments, attachment);
}

void
pigeon_mime_builder_set_allow_8bit (PigeonMimeBuilder *self, gboolean allow_8bit)
{
  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));

  self->allow_8bit = !!allow_8bit;
}

PigeonMimeTransport
pigeon_mime_builder_get_transport (PigeonMimeBuilder *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_BUILDER (self), PIGEON_MIME_TRANSPORT_NONE);

  return self->transport;
}

static void
add_envelope_addresses (GPtrArray *addresses, GHashTable *seen, GStrvBuilder *envelope)
{
  for (guint i = 0; i < addresses->len; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);
      char *key;

      /* An empty group ("undisclosed-recipients:;") has no address. */
      if (address->address == NULL)
        continue;
      key = g_utf8_casefold (address->address, -1);
      if (g_hash_table_add (seen, key))
        g_strv_builder_add (envelope, address->address);
    }
}

GStrv
pigeon_mime_builder_dup_envelope_recipients (PigeonMimeBuilder *self)
{
  g_autoptr (GStrvBuilder) envelope = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (PIGEON_MIME_IS_BUILDER (self), NULL);

  add_envelope_addresses (self->to, seen, envelope);
  add_envelope_addresses (self->cc, seen, envelope);
  add_envelope_addresses (self->bcc, seen, envelope);
  return g_strv_builder_end (envelope);
}

/* The same text with every line break in it replaced, for an error
 * message that quotes it. */
static char *
flatten (const char *value)
{
  return g_strdelimit (g_strdup (value), "\r\n", ' ');
}

/* Header injection: a CR or LF in a field value would end the field and
 * let the rest pass for new fields (RFC 5322 2.2). */
static gboolean
check_one_line (const char *field, const char *value, GError **error)
{
  g_autofree char *shown = NULL;

  if (value == NULL || strpbrk (value, "\r\n") == NULL)
    return TRUE;
  shown = flatten (value);
  /* Translators: the first %s is a header field name, "Subject" or "To" */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _ ("%s: “%s” contains a line break, which is not allowed in a header field; remove it"), field, shown);
  return FALSE;
}

/* A mailbox the SMTP server and readers will accept: "local@domain" with
 * no whitespace, controls or the delimiters of an address list (the
 * quoted local parts of RFC 5321 4.1.2 are not supported). */
static gboolean
is_mailbox (const char *address)
{
  const char *at = strrchr (address, '@');

  if (at == NULL || at == address || at[1] == '\0')
    return FALSE;
  for (const guchar *p = (const guchar *) address; *p != '\0'; p++)
    if (*p <= ' ' || *p == 0x7f || strchr ("<>,;:\"()[]\\", *p) != NULL)
      return FALSE;
  return TRUE;
}

static gboolean
check_address (const char *field, const PigeonMimeAddress *address, gboolean group_allowed, GError **error)
{
  if (!check_one_line (field, address->name, error) || !check_one_line (field, address->group, error) ||
      !check_one_line (field, address->address, error))
    return FALSE;
  if (address->address == NULL ? group_allowed && address->group != NULL : is_mailbox (address->address))
    return TRUE;
  /* Translators: the first %s is a header field name, "To" or "Cc" */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("%s: “%s” is not an email address"), field,
               address->address != NULL ? address->address : "");
  return FALSE;
}

static gboolean
check_addresses (const char *field, GPtrArray *addresses, GError **error)
{
  for (guint i = 0; i < addresses->len; i++)
    if (!check_address (field, g_ptr_array_index (addresses, i), TRUE, error))
      return FALSE;
  return TRUE;
}

/* The fields this builder writes itself, which an extra header must not
 * repeat or contradict. */
static gboolean
is_reserved_field (const char *name)
{
  static const char *const reserved[] = {
    "Bcc",          "Cc",         "Date",     "From",    "In-Reply-To", "Message-ID",
    "MIME-Version", "References", "Reply-To", "Subject", "To",          "User-Agent",
  };

  if (g_ascii_strncasecmp (name, "Content-", 8) == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (g_ascii_strcasecmp (name, reserved[i]) == 0)
      return TRUE;
  return FALSE;
}

/* RFC 5322 2.2: a field name is printable US-ASCII other than ':'. */
static gboolean
check_field_name (const char *name, GError **error)
{
  g_autofree char *shown = flatten (name);
  const guchar *p = (const guchar *) name;

  while (*p > ' ' && *p < 0x7f && *p != ':')
    p++;
  if (*p != '\0' || p == (const guchar *) name)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("“%s” is not a valid header field name"), shown);
      return FALSE;
    }
  if (is_reserved_field (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("The header field “%s” is written by the message builder and cannot be added"), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_msg_id (const char *field, const char *id, GError **error)
{
  g_autofree char *shown = NULL;

  if (id == NULL || is_msg_id (id))
    return TRUE;
  shown = flatten (id);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("%s: “%s” is not a valid message ID"), field, shown);
  return FALSE;
}

static gboolean
check_headers (PigeonMimeBuilder *self, GError **error)
{
  if (!check_one_line ("Subject", self->subject, error) || !check_one_line ("User-Agent", self->user_agent, error) ||
      !check_msg_id ("Message-ID", self->message_id, error) || !check_msg_id ("In-Reply-To", self->in_reply_to, error))
    return FALSE;
  for (guint i = 0; self->references != NULL && self->references[i] != NULL; i++)
    if (!check_msg_id ("References", self->references[i], error))
      return FALSE;
  for (guint i = 0; i < self->extra_headers->len; i += 2)
    {
      const char *name = g_ptr_array_index (self->extra_headers, i);

      if (!check_field_name (name, error) ||
          !check_one_line (name, g_ptr_array_index (self->extra_headers, i + 1), error))
        return FALSE;
    }
  return TRUE;
}

/* RFC 5322 3.6: From is required; every field must be one line. */
static gboolean
check_fields (PigeonMimeBuilder *self, GError **error)
{
  if (self->from == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The message has no sender; set the From address"));
      return FALSE;
    }
  return check_address ("From", self->from, FALSE, error) && check_addresses ("Reply-To", self->reply_to, error) &&
         check_addresses ("To", self->to, error) && check_addresses ("Cc", self->cc, error) &&
         check_addresses ("Bcc", self->bcc, error) && check_headers (self, error);
}

static gboolean
has_non_ascii_address (GPtrArray *addresses)
{
  for (guint i = 0; i < addresses->len; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);

      if (address->address != NULL && !is_ascii (address->address, strlen (address->address)))
        return TRUE;
    }
  return FALSE;
}

/* RFC 6531: an address that is still not ASCII once its domain is in
 * IDNA form can only be sent with SMTPUTF8 (and is written as UTF-8,
 * RFC 6532). */
static PigeonMimeTransport
address_transport (PigeonMimeBuilder *self)
{
  const char *from = self->from->address;

  if (!is_ascii (from, strlen (from)) || has_non_ascii_address (self->to) || has_non_ascii_address (self->cc) ||
      has_non_ascii_address (self->bcc) || has_non_ascii_address (self->reply_to))
    return PIGEON_MIME_TRANSPORT_SMTPUTF8;
  return PIGEON_MIME_TRANSPORT_NONE;
}

static gboolean
append_field (GString *out, const char *name, const char *value, GError **error)
{
  g_autofree char *field = pigeon_mime_header_format (name, value, error);

  if (field == NULL)
    return FALSE;
  g_string_append (out, field);
  return TRUE;
}

static gboolean
append_address_field (GString *out, const char *name, GPtrArray *addresses, GError **error)
{
  g_autofree char *value = NULL;

  if (addresses->len == 0)
    return TRUE;
  value = pigeon_mime_address_list_format (addresses);
  return append_field (out, name, value, error);
}

/* An unstructured field (RFC 5322 3.6.5), RFC 2047 encoded when it is not
 * ASCII. */
static gboolean
append_text_field (GString *out, const char *name, const char *text, GError **error)
{
  g_autofree char *value = NULL;

  if (text == NULL)
    return TRUE;
  value = pigeon_mime_header_encode_words (text);
  return append_field (out, name, value, error);
}

/* RFC 5322 3.6.4: msg-ids in angle brackets, separated by spaces. */
static gboolean
append_msg_id_field (GString *out, const char *name, const char *const *ids, GError **error)
{
  g_autoptr (GString) value = g_string_new (NULL);

  if (ids == NULL || ids[0] == NULL)
    return TRUE;
  for (guint i = 0; ids[i] != NULL; i++)
    g_string_append_printf (value, "%s<%s>", i > 0 ? " " : "", ids[i]);
  return append_field (out, name, value->str, error);
}

/* "<random@domain of From>": 128 random bits make it unique (RFC 5322
 * 3.6.4), the domain says whose it is. */
static char *
generate_message_id (const PigeonMimeAddress *from)
{
  const char *at = strrchr (from->address, '@');

  return g_strdup_printf ("%08x%08x%08x%08x@%s", g_random_int (), g_random_int (), g_random_int (), g_random_int (),
                          at + 1);
}

static gboolean
append_date_field (PigeonMimeBuilder *self, GString *out, GError **error)
{
  g_autofree char *value = NULL;

  if (self->has_date)
    value = pigeon_mime_date_format (self->date, self->tz_offset);
  else
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();

      value = pigeon_mime_date_format (g_date_time_to_unix (now),
                                       (int) (g_date_time_get_utc_offset (now) / G_TIME_SPAN_MINUTE));
    }
  return append_field (out, "Date", value, error);
}

/* RFC 5322 3.6.3: Bcc is not written; with no other destination field,
 * an empty group tells readers the recipients were not disclosed. */
static gboolean
append_destination_fields (PigeonMimeBuilder *self, GString *out, GError **error)
{
  if (self->to->len == 0 && self->cc->len == 0 && self->bcc->len > 0)
    return append_field (out, "To", "undisclosed-recipients:;", error);
  return append_address_field (out, "To", self->to, error) && append_address_field (out, "Cc", self->cc, error);
}

static gboolean
append_extra_fields (PigeonMimeBuilder *self, GString *out, GError **error)
{
  for (guint i = 0; i < self->extra_headers->len; i += 2)
    if (!append_text_field (out, g_ptr_array_index (self->extra_headers, i),
                            g_ptr_array_index (self->extra_headers, i + 1), error))
      return FALSE;
  return TRUE;
}

static gboolean
append_message_fields (PigeonMimeBuilder *self, GString *out, GError **error)
{
  g_autoptr (GPtrArray) from = g_ptr_array_new ();
  const char *in_reply_to[] = { self->in_reply_to, NULL };
  const char *message_id[] = { NULL, NULL };

  if (self->message_id == NULL)
    self->message_id = generate_message_id (self->from);
  message_id[0] = self->message_id;
  g_ptr_array_add (from, self->from);

  return append_date_field (self, out, error) && append_address_field (out, "From", from, error) &&
         append_address_field (out, "Reply-To", self->reply_to, error) &&
         append_destination_fields (self, out, error) && append_text_field (out, "Subject", self->subject, error) &&
         append_msg_id_field (out, "Message-ID", message_id, error) &&
         append_msg_id_field (out, "In-Reply-To", in_reply_to, error) &&
         append_msg_id_field (out, "References", (const char *const *) self->references, error) &&
         append_text_field (out, "User-Agent", self->user_agent, error) && append_extra_fields (self, out, error) &&
         append_field (out, "MIME-Version", "1.0", error);
}

/* Whether every line break is CRLF: only then can the bytes go as 7bit
 * or quoted-printable and come back the same (both write CRLF). */
static gboolean
has_bare_line_break (const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n'))
        return TRUE;
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        return TRUE;
    }
  return FALSE;
}

/* A "From " at a line start gets a '>' from mbox writers, which changes
 * the body (and breaks a signature over it); quoted-printable escapes it. */
static gboolean
has_from_line (const char *data, gsize len)
{
  return len >= 5 && (memcmp (data, "From ", 5) == 0 || memmem (data, len, "\nFrom ", 6) != NULL);
}

static gboolean
lines_fit (const char *data, gsize len)
{
  const char *end = data + len;

  while (data < end)
    {
      const char *nl = memchr (data, '\n', end - data);
      const char *line_end = nl != NULL ? nl : end;

      if (line_end - data > MAX_LINE + 1)
        return FALSE;
      data = line_end + 1;
    }
  return TRUE;
}

/* RFC 2046 4.1.1: text in canonical form, CRLF line breaks, ending in one
 * when not empty. */
static GString *
canonical_text (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + strlen (text) / 32 + 2);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        {
          g_string_append (out, "\r\n");
          if (p[0] == '\r' && p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append (out, "\r\n");
  return out;
}

static PigeonMimeEncoding
choose_text_encoding (PigeonMimeBuilder *self, const GString *text, PigeonMimeTransport *transport)
{
  PigeonMimeEncoding encoding = pigeon_mime_encoding_choose ((const guchar *) text->str, text->len, TRUE);

  if (encoding == PIGEON_MIME_ENCODING_7BIT && has_from_line (text->str, text->len))
    return PIGEON_MIME_ENCODING_QUOTED_PRINTABLE;
  /* RFC 6152: 8bit is UTF-8 text in lines of at most 998 octets. */
  if (self->allow_8bit && encoding != PIGEON_MIME_ENCODING_7BIT && !is_ascii (text->str, text->len) &&
      lines_fit (text->str, text->len))
    {
      *transport |= PIGEON_MIME_TRANSPORT_8BITMIME;
      return PIGEON_MIME_ENCODING_8BIT;
    }
  return encoding;
}

/* Attachments travel byte for byte: 7bit and quoted-printable only when
 * the line breaks are already CRLF, base64 otherwise. */
static PigeonMimeEncoding
choose_attachment_encoding (const char *data, gsize len, gboolean is_text)
{
  PigeonMimeEncoding encoding = pigeon_mime_encoding_choose ((const guchar *) data, len, is_text);

  if (encoding != PIGEON_MIME_ENCODING_7BIT && encoding != PIGEON_MIME_ENCODING_QUOTED_PRINTABLE)
    return PIGEON_MIME_ENCODING_BASE64;
  if (has_bare_line_break (data, len))
    return PIGEON_MIME_ENCODING_BASE64;
  if (encoding == PIGEON_MIME_ENCODING_7BIT && has_from_line (data, len))
    return PIGEON_MIME_ENCODING_QUOTED_PRINTABLE;
  return encoding;
}

static void
append_body (GString *out, PigeonMimeEncoding encoding, const char *data, gsize len)
{
  switch (encoding)
    {
    case PIGEON_MIME_ENCODING_BASE64:
      pigeon_mime_encode_base64 ((const guchar *) data, len, out);
      /* The CRLF before the next boundary ends the last line. */
      if (g_str_has_suffix (out->str, "\r\n"))
        g_string_truncate (out, out->len - 2);
      break;
    case PIGEON_MIME_ENCODING_QUOTED_PRINTABLE:
      pigeon_mime_encode_quoted_printable ((const guchar *) data, len, out);
      break;
    default:
      g_string_append_len (out, data, len);
      break;
    }
}

/* One leaf entity: its Content-* fields, an empty line, the encoded body
 * (RFC 2045 3). */
static GString *
leaf_new (const char *type_value,
          const PigeonMimeContentType *disposition,
          PigeonMimeEncoding encoding,
          const char *data,
          gsize len,
          GError **error)
{
  g_autoptr (GString) out = g_string_sized_new (len + len / 3 + len / 38 + 512);
  g_autofree char *disposition_value = disposition != NULL ? pigeon_mime_content_type_format (disposition) : NULL;

  if (!append_field (out, "Content-Type", type_value, error) ||
      (disposition_value != NULL && !append_field (out, "Content-Disposition", disposition_value, error)) ||
      !append_field (out, "Content-Transfer-Encoding", pigeon_mime_encoding_to_string (encoding), error))
    return NULL;
  g_string_append (out, "\r\n");
  append_body (out, encoding, data, len);
  return g_steal_pointer (&out);
}

static GString *
text_leaf_new (
    PigeonMimeBuilder *self, const char *text, const char *subtype, PigeonMimeTransport *transport, GError **error)
{
  g_autoptr (GString) body = canonical_text (text);
  g_autoptr (PigeonMimeContentType) content_type = pigeon_mime_content_type_new ("text", subtype);
  PigeonMimeEncoding encoding = choose_text_encoding (self, body, transport);

  g_autofree char *type_value = NULL;

  pigeon_mime_content_type_set_param (content_type, "charset", is_ascii (body->str, body->len) ? "us-ascii" : "utf-8");
  type_value = pigeon_mime_content_type_format (content_type);
  return leaf_new (type_value, NULL, encoding, body->str, body->len, error);
}

static GBytes *
attachment_load (const Attachment *attachment, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *name = NULL;
  char *contents;
  gsize len;

  if (attachment->data != NULL)
    return g_bytes_ref (attachment->data);
  if (g_file_load_contents (attachment->file, NULL, &contents, &len, NULL, &local_error))
    return g_bytes_new_take (contents, len);
  name = g_file_get_parse_name (attachment->file);
  g_set_error (error, local_error->domain, local_error->code, _ ("Cannot attach “%s”: %s"), name, local_error->message);
  return NULL;
}

/* The name to give: the one set, else the file's own (as UTF-8). */
static char *
attachment_filename (const Attachment *attachment)
{
  g_autofree char *path = NULL;

  if (attachment->filename != NULL)
    return g_strdup (attachment->filename);
  if (attachment->file == NULL)
    return NULL;
  path = g_file_get_path (attachment->file);
  if (path != NULL)
    return g_filename_display_basename (path);
  return g_file_get_basename (attachment->file);
}

/* The type set by the caller, else guessed from the name and the data;
 * application/octet-stream when nothing is known (RFC 2046 4.5.1). */
static PigeonMimeContentType *
attachment_content_type (const Attachment *attachment, const char *filename, GBytes *data, GError **error)
{
  PigeonMimeContentType *content_type;
  g_autofree char *guessed = NULL;
  g_autofree char *mime_type = NULL;
  gsize size;

  if (attachment->content_type != NULL)
    {
      content_type = pigeon_mime_content_type_parse (attachment->content_type, strlen (attachment->content_type));
      if (content_type == NULL || strpbrk (attachment->content_type, "\r\n") != NULL)
        {
          g_autofree char *shown = flatten (attachment->content_type);

          g_clear_pointer (&content_type, pigeon_mime_content_type_free);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("“%s” is not a content type"), shown);
        }
      return content_type;
    }
  /* No data to look at: GIO would call it application/x-zerosize, a type
   * of its own, where the name can tell more. */
  size = g_bytes_get_size (data);
  guessed = g_content_type_guess (filename, size > 0 ? g_bytes_get_data (data, NULL) : NULL, size, NULL);
  mime_type = guessed != NULL ? g_content_type_get_mime_type (guessed) : NULL;
  content_type = mime_type != NULL ? pigeon_mime_content_type_parse (mime_type, strlen (mime_type)) : NULL;
  if (content_type == NULL)
    content_type = pigeon_mime_content_type_new ("application", "octet-stream");
  return content_type;
}

static const char *
bytes_or_empty (GBytes *data, gsize *len)
{
  const char *bytes = g_bytes_get_data (data, len);

  return bytes != NULL ? bytes : "";
}

/* RFC 2046 4.1.2: a text attachment says its charset when the data shows
 * it; unknown 8-bit text gets none rather than a wrong one. */
static void
set_text_charset (PigeonMimeContentType *content_type, const char *data, gsize len)
{
  if (g_strcmp0 (content_type->type, "text") != 0 || pigeon_mime_content_type_get_param (content_type, "charset"))
    return;
  if (is_ascii (data, len) && memchr (data, '\0', len) == NULL)
    pigeon_mime_content_type_set_param (content_type, "charset", "us-ascii");
  else if (g_utf8_validate_len (data, len, NULL))
    pigeon_mime_content_type_set_param (content_type, "charset", "utf-8");
}

/* The filename twice: RFC 2231 "filename*=utf-8''..." on the disposition
 * (RFC 2183), and RFC 2047 words in a quoted "name=" on the type for
 * readers that know only that (not standard, but what they look at). The
 * type formatter would write RFC 2047 words in RFC 2231 form, so "name="
 * is written here. */
static char *
format_type_and_name (const PigeonMimeContentType *content_type,
                      PigeonMimeContentType *disposition,
                      const char *filename)
{
  g_autofree char *type_value = pigeon_mime_content_type_format (content_type);
  g_autofree char *encoded = NULL;
  GString *out;

  if (filename == NULL)
    return g_steal_pointer (&type_value);
  pigeon_mime_content_type_set_param (disposition, "filename", filename);
  encoded = pigeon_mime_header_encode_words (filename);
  out = g_string_new (type_value);
  g_string_append (out, "; name=\"");
  for (const char *p = encoded; *p != '\0'; p++)
    {
      /* RFC 5322 3.2.4: quoted-pair */
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* RFC 2046 5.2.1: a message/rfc822 body is 7bit, 8bit or binary, never
 * encoded. So an attached message goes with CRLF line ends, as 7bit, or as
 * 8bit when the transport allows it; NULL when it cannot (a NUL, a line
 * over 998 octets, 8-bit data without 8BITMIME). */
static GString *
attached_message (PigeonMimeBuilder *self, const char *data, gsize len)
{
  g_autofree char *text = NULL;
  g_autoptr (GString) message = NULL;

  if (memchr (data, '\0', len) != NULL)
    return NULL;
  text = g_strndup (data, len);
  message = canonical_text (text);
  if (!lines_fit (message->str, message->len) || (!self->allow_8bit && !is_ascii (message->str, message->len)))
    return NULL;
  return g_steal_pointer (&message);
}

static gboolean
is_message_rfc822 (const PigeonMimeContentType *content_type)
{
  return g_strcmp0 (content_type->type, "message") == 0 && g_strcmp0 (content_type->subtype, "rfc822") == 0;
}

static GString *
attachment_leaf_new (PigeonMimeBuilder *self,
                     const Attachment *attachment,
                     PigeonMimeTransport *transport,
                     GError **error)
{
  g_autoptr (GBytes) data = attachment_load (attachment, error);
  g_autofree char *filename = attachment_filename (attachment);
  g_autoptr (PigeonMimeContentType) content_type = NULL;
  g_autoptr (PigeonMimeContentType) disposition = pigeon_mime_content_type_new ("attachment", NULL);
  g_autofree char *type_value = NULL;
  const char *bytes;
  gsize len;

  if (data == NULL || (filename != NULL && !check_one_line (_ ("Attachment name"), filename, error)))
    return NULL;
  content_type = attachment_content_type (attachment, filename, data, error);
  if (content_type == NULL)
    return NULL;
  /* An empty GBytes may hold NULL: string functions get "" instead. */
  bytes = bytes_or_empty (data, &len);
  if (is_message_rfc822 (content_type))
    {
      g_autoptr (GString) message = attached_message (self, bytes, len);

      if (message != NULL)
        {
          gboolean ascii = is_ascii (message->str, message->len);

          if (!ascii)
            *transport |= PIGEON_MIME_TRANSPORT_8BITMIME;
          type_value = format_type_and_name (content_type, disposition, filename);
          return leaf_new (type_value, disposition, ascii ? PIGEON_MIME_ENCODING_7BIT : PIGEON_MIME_ENCODING_8BIT,
                           message->str, message->len, error);
        }
      /* Its bytes still arrive intact, and it still opens as a file. */
      g_clear_pointer (&content_type, pigeon_mime_content_type_free);
      content_type = pigeon_mime_content_type_new ("application", "octet-stream");
    }
  set_text_charset (content_type, bytes, len);
  type_value = format_type_and_name (content_type, disposition, filename);
  return leaf_new (type_value, disposition,
                   choose_attachment_encoding (bytes, len, g_strcmp0 (content_type->type, "text") == 0), bytes, len,
                   error);
}

static gboolean
boundary_is_free (const char *boundary, GPtrArray *children)
{
  gsize len = strlen (boundary);

  for (guint i = 0; i < children->len; i++)
    {
      const GString *child = g_ptr_array_index (children, i);

      if (memmem (child->str, child->len, boundary, len) != NULL)
        return FALSE;
    }
  return TRUE;
}

/* RFC 2046 5.1.1: a boundary must not occur in the parts it delimits.
 * "=_" cannot occur in base64 or quoted-printable output, and 128 random
 * bits make it unlikely anywhere else; it is still checked. */
static char *
boundary_new (GPtrArray *children)
{
  for (;;)
    {
      g_autofree char *boundary = g_strdup_printf ("=_pigeon_%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                                   g_random_int (), g_random_int ());

      if (boundary_is_free (boundary, children))
        return g_steal_pointer (&boundary);
    }
}

/* RFC 2046 5.1.1: each part after "--boundary" CRLF; the CRLF before the
 * next delimiter belongs to the delimiter. */
static GString *
multipart_new (const char *subtype, GPtrArray *children, GError **error)
{
  g_autofree char *boundary = boundary_new (children);
  g_autoptr (PigeonMimeContentType) content_type = pigeon_mime_content_type_new ("multipart", subtype);
  g_autofree char *type_value = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  pigeon_mime_content_type_set_param (content_type, "boundary", boundary);
  type_value = pigeon_mime_content_type_format (content_type);
  if (!append_field (out, "Content-Type", type_value, error))
    return NULL;
  g_string_append (out, "\r\n");
  for (guint i = 0; i < children->len; i++)
    {
      const GString *child = g_ptr_array_index (children, i);

      g_string_append_printf (out, "%s--%s\r\n", i > 0 ? "\r\n" : "", boundary);
      g_string_append_len (out, child->str, child->len);
    }
  g_string_append_printf (out, "\r\n--%s--\r\n", boundary);
  return g_steal_pointer (&out);
}

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

/* text/plain, or multipart/alternative of text/plain and text/html
 * (RFC 2046 5.1.4: the preferred, richer form last). */
static GString *
body_new (PigeonMimeBuilder *self, PigeonMimeTransport *transport, GError **error)
{
  g_autoptr (GPtrArray) alternatives = g_ptr_array_new_with_free_func (string_free);
  GString *part;

  part = text_leaf_new (self, self->text != NULL ? self->text : "", "plain", transport, error);
  if (part == NULL || self->html == NULL)
    return part;
  g_ptr_array_add (alternatives, part);
  part = text_leaf_new (self, self->html, "html", transport, error);
  if (part == NULL)
    return NULL;
  g_ptr_array_add (alternatives, part);
  return multipart_new ("alternative", alternatives, error);
}

/* The body, then the attachments in a multipart/mixed (RFC 2046 5.1.3). */
static GString *
entity_new (PigeonMimeBuilder *self, PigeonMimeTransport *transport, GError **error)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (string_free);
  GString *part = body_new (self, transport, error);

  if (part == NULL || self->attachments->len == 0)
    return part;
  g_ptr_array_add (parts, part);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      part = attachment_leaf_new (self, g_ptr_array_index (self->attachments, i), transport, error);
      if (part == NULL)
        return NULL;
      g_ptr_array_add (parts, part);
    }
  return multipart_new ("mixed", parts, error);
}

GBytes *
pigeon_mime_builder_build (PigeonMimeBuilder *self, GError **error)
{
  g_autoptr (GString) out = NULL;
  g_autoptr (GString) entity = NULL;
  PigeonMimeTransport transport;

  g_return_val_if_fail (PIGEON_MIME_IS_BUILDER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_fields (self, error))
    return NULL;
  transport = address_transport (self);
  entity = entity_new (self, &transport, error);
  if (entity == NULL)
    return NULL;
  out = g_string_sized_new (entity->len + 2048);
  if (!append_message_fields (self, out, error))
    return NULL;
  g_string_append_len (out, entity->str, entity->len);
  if (!g_str_has_suffix (out->str, "\r\n"))
    g_string_append (out, "\r\n");
  self->transport = transport;
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

static void
build_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *message = pigeon_mime_builder_build (source_object, &error);

  if (message == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, message, (GDestroyNotify) g_bytes_unref);
}

void
pigeon_mime_builder_build_async (PigeonMimeBuilder *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (PIGEON_MIME_IS_BUILDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_mime_builder_build_async);
  g_task_run_in_thread (task, build_thread);
}

GBytes *
pigeon_mime_builder_build_finish (PigeonMimeBuilder *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PIGEON_MIME_IS_BUILDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
