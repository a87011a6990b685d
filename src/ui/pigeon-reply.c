/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-mime-address.h"
#include "pigeon-mime-message.h"
#include "pigeon-reply.h"

/* RFC 5322 3.6.4 lets a References field be trimmed; past this many ids
 * the thread's root and the newest ones are kept, which is what threading
 * clients look at. */
#define MAX_REFERENCES 20

PigeonReplyAttachment *
pigeon_reply_attachment_new (const char *filename, const char *content_type, GBytes *data)
{
  PigeonReplyAttachment *attachment = g_new0 (PigeonReplyAttachment, 1);

  attachment->filename = g_strdup (filename);
  attachment->content_type = g_strdup (content_type);
  attachment->data = g_bytes_ref (data);
  return attachment;
}

void
pigeon_reply_attachment_free (PigeonReplyAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->filename);
  g_free (attachment->content_type);
  g_bytes_unref (attachment->data);
  g_free (attachment);
}

void
pigeon_reply_free (PigeonReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->from);
  g_free (reply->to);
  g_free (reply->cc);
  g_free (reply->bcc);
  g_free (reply->subject);
  g_free (reply->in_reply_to);
  g_strfreev (reply->references);
  g_free (reply->body);
  g_ptr_array_unref (reply->attachments);
  g_free (reply);
}

static gboolean
has_prefix_ignoring_case (const char *text, const char *prefix)
{
  return g_ascii_strncasecmp (text, prefix, strlen (prefix)) == 0;
}

char *
pigeon_reply_subject (const char *subject, PigeonComposeMode mode)
{
  gboolean forward = mode == PIGEON_COMPOSE_FORWARD || mode == PIGEON_COMPOSE_FORWARD_ATTACHED;
  g_autofree char *stripped = g_strstrip (g_strdup (subject != NULL ? subject : ""));

  /* The prefixes are the ones on the wire, which are not translated. */
  if (forward)
    {
      if (has_prefix_ignoring_case (stripped, "fwd:") || has_prefix_ignoring_case (stripped, "fw:"))
        return g_steal_pointer (&stripped);
      return g_strconcat ("Fwd: ", stripped, NULL);
    }
  if (has_prefix_ignoring_case (stripped, "re:"))
    return g_steal_pointer (&stripped);
  return g_strconcat ("Re: ", stripped, NULL);
}

GStrv
pigeon_reply_references (const char *parent_id,
                         const char *const *parent_references,
                         const char *const *parent_in_reply_to)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) all = NULL;
  guint n;

  if (parent_references != NULL && parent_references[0] != NULL)
    g_strv_builder_addv (builder, (const char **) parent_references);
  else if (parent_in_reply_to != NULL && g_strv_length ((GStrv) parent_in_reply_to) == 1)
    g_strv_builder_add (builder, parent_in_reply_to[0]);
  if (parent_id != NULL)
    g_strv_builder_add (builder, parent_id);
  all = g_strv_builder_end (builder);
  n = g_strv_length (all);
  if (n <= MAX_REFERENCES)
    return g_steal_pointer (&all);

  {
    g_autoptr (GStrvBuilder) trimmed = g_strv_builder_new ();

    g_strv_builder_add (trimmed, all[0]);
    for (guint i = n - (MAX_REFERENCES - 1); i < n; i++)
      g_strv_builder_add (trimmed, all[i]);
    return g_strv_builder_end (trimmed);
  }
}

/* Elements whose text is not shown. */
static gboolean
is_hidden_element (const char *name)
{
  return g_ascii_strcasecmp (name, "script") == 0 || g_ascii_strcasecmp (name, "style") == 0 ||
         g_ascii_strcasecmp (name, "head") == 0 || g_ascii_strcasecmp (name, "title") == 0;
}

/* Elements that start a new line of text. */
static gboolean
is_block_element (const char *name)
{
  static const char *const blocks[] = { "br", "p",  "div",        "tr",  "li",    "h1", "h2", "h3", "h4",
                                        "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", NULL };

  for (guint i = 0; blocks[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, blocks[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Appends the character of the entity at @p (just after the "&"), and
 * returns where the text goes on. */
static const char *
append_entity (GString *out, const char *p)
{
  static const struct
  {
    const char *name;
    const char *text;
  } named[] = {
    { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" }, { "apos;", "'" }, { "nbsp;", " " }
  };

  if (*p == '#')
    {
      gboolean hex = p[1] == 'x' || p[1] == 'X';
      char *end = NULL;
      guint64 code = g_ascii_strtoull (p + (hex ? 2 : 1), &end, hex ? 16 : 10);

      if (end != NULL && *end == ';' && code > 0 && code <= 0x10FFFF && g_unichar_validate ((gunichar) code))
        {
          g_string_append_unichar (out, (gunichar) code);
          return end + 1;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (g_str_has_prefix (p, named[i].name))
      {
        g_string_append (out, named[i].text);
        return p + strlen (named[i].name);
      }
  g_string_append_c (out, '&');
  return p;
}

/* Reads the tag at @p (just after the "<"): its name into @name, and
 * whether it closes; returns the text after the ">". */
static const char *
read_tag (const char *p, GString *name, gboolean *closing)
{
  g_string_truncate (name, 0);
  *closing = *p == '/';
  if (*closing)
    p++;
  while (g_ascii_isalnum (*p))
    g_string_append_c (name, *p++);
  while (*p != '\0' && *p != '>')
    p++;
  return *p == '>' ? p + 1 : p;
}

static char *
collapse_blank_lines (const char *text)
{
  g_autoptr (GRegex) spaces = g_regex_new ("[ \\t]*\\n[ \\t]*", 0, 0, NULL);
  g_autoptr (GRegex) blank = g_regex_new ("\\n{3,}", 0, 0, NULL);
  g_autofree char *lines = g_regex_replace_literal (spaces, text, -1, 0, "\n", 0, NULL);
  g_autofree char *paragraphs = g_regex_replace_literal (blank, lines, -1, 0, "\n\n", 0, NULL);

  return g_strdup (g_strstrip (paragraphs));
}

char *
pigeon_reply_html_to_text (const char *html)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) name = g_string_new (NULL);
  guint hidden = 0;
  const char *p = html;

  g_return_val_if_fail (html != NULL, NULL);

  while (*p != '\0')
    {
      gboolean closing;

      if (*p == '<')
        {
          p = read_tag (p + 1, name, &closing);
          if (is_hidden_element (name->str))
            hidden = closing ? (hidden > 0 ? hidden - 1 : 0) : hidden + 1;
          else if (is_block_element (name->str) && hidden == 0)
            g_string_append_c (out, '\n');
        }
      else if (hidden > 0)
        p++;
      else if (*p == '&')
        p = append_entity (out, p + 1);
      else if (g_ascii_isspace (*p))
        {
          /* HTML white space: a run is one space. */
          if (out->len > 0 && out->str[out->len - 1] != ' ' && out->str[out->len - 1] != '\n')
            g_string_append_c (out, ' ');
          p++;
        }
      else
        g_string_append_c (out, *p++);
    }
  return collapse_blank_lines (out->str);
}

/* The first text part that is not an attachment, depth first; HTML only
 * when there is no plain text. */
static PigeonMimePart *
find_text_part (PigeonMimePart *part, const char *subtype)
{
  if (pigeon_mime_part_is_multipart (part))
    {
      for (guint i = 0; i < pigeon_mime_part_get_n_children (part); i++)
        {
          PigeonMimePart *found = find_text_part (pigeon_mime_part_get_child (part, i), subtype);

          if (found != NULL)
            return found;
        }
      return NULL;
    }
  if (pigeon_mime_part_is_type (part, "text", subtype) && !pigeon_mime_part_is_attachment (part))
    return part;
  return NULL;
}

/* Takes @text; returns it with "\n" line breaks. */
static char *
normalize_line_breaks (char *text)
{
  g_autofree char *owned = text;
  g_autoptr (GRegex) breaks = g_regex_new ("\\r\\n?", 0, 0, NULL);

  return g_regex_replace_literal (breaks, owned, -1, 0, "\n", 0, NULL);
}

/* The message's text, with "\n" line breaks; "" when it has none. */
static char *
dup_full_text (PigeonMimeMessage *message)
{
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  PigeonMimePart *part = find_text_part (root, "plain");
  g_autofree char *text = NULL;

  if (part != NULL)
    text = pigeon_mime_part_get_text (part, NULL);
  else if ((part = find_text_part (root, "html")) != NULL)
    {
      g_autofree char *html = pigeon_mime_part_get_text (part, NULL);

      text = pigeon_reply_html_to_text (html);
    }
  return text != NULL ? normalize_line_breaks (g_steal_pointer (&text)) : g_strdup ("");
}

/* The message's text, without its signature (RFC 3676 4.3: "-- " line). */
static char *
dup_message_text (PigeonMimeMessage *message)
{
  g_autofree char *text = dup_full_text (message);
  char *signature;

  signature = g_str_has_prefix (text, "-- \n") ? text : strstr (text, "\n-- \n");
  if (signature != NULL)
    *signature = '\0';
  return g_strdup (g_strchomp (text));
}

static gboolean
is_own_address (const char *address, const char *const *own_addresses)
{
  for (guint i = 0; own_addresses != NULL && own_addresses[i] != NULL; i++)
    if (g_ascii_strcasecmp (address, own_addresses[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Adds the mailboxes of @from to @to, without the user's own and without
 * those already in @seen (addresses, lower case). */
static void
add_recipients (GPtrArray *to, GPtrArray *from, GHashTable *seen, const char *const *own_addresses)
{
  for (guint i = 0; i < from->len; i++)
    {
      PigeonMimeAddress *address = g_ptr_array_index (from, i);
      char *key;

      if (address->address == NULL || is_own_address (address->address, own_addresses))
        continue;
      key = g_ascii_strdown (address->address, -1);
      if (!g_hash_table_add (seen, key))
        continue;
      g_ptr_array_add (to, pigeon_mime_address_new (address->name, address->address));
    }
}

static GPtrArray *
address_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
}

/* Reply-To when the sender set one, else From. */
static GPtrArray *
dup_reply_target (PigeonMimeMessage *message)
{
  g_autoptr (GPtrArray) reply_to = pigeon_mime_message_get_addresses (message, "Reply-To");

  if (reply_to->len > 0)
    return g_steal_pointer (&reply_to);
  return pigeon_mime_message_get_addresses (message, "From");
}

/* A reply goes to the sender; to all, also to the other recipients, the
 * user's own addresses left out. When the user wrote the original (a
 * reply from the Sent folder), it goes to the original's recipients. */
static void
fill_recipients (PigeonReply *reply, PigeonMimeMessage *message, gboolean all, const char *const *own_addresses)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) target = dup_reply_target (message);
  g_autoptr (GPtrArray) original_to = pigeon_mime_message_get_addresses (message, "To");
  g_autoptr (GPtrArray) original_cc = pigeon_mime_message_get_addresses (message, "Cc");
  g_autoptr (GPtrArray) to = address_array_new ();
  g_autoptr (GPtrArray) cc = address_array_new ();

  add_recipients (to, target, seen, own_addresses);
  if (to->len == 0 || all)
    add_recipients (to, original_to, seen, own_addresses);
  if (all)
    add_recipients (cc, original_cc, seen, own_addresses);
  reply->to = pigeon_mime_address_list_format (to);
  reply->cc = pigeon_mime_address_list_format (cc);
  reply->bcc = g_strdup ("");
}

static char *
dup_sender_name (PigeonMimeMessage *message)
{
  g_autoptr (GPtrArray) from = pigeon_mime_message_get_addresses (message, "From");
  PigeonMimeAddress *first;

  if (from->len == 0)
    return g_strdup (_ ("Unknown sender"));
  first = g_ptr_array_index (from, 0);
  return g_strdup (first->name != NULL && *first->name != '\0' ? first->name : first->address);
}

/* The original's date in its own time zone, as its writer saw it. */
static char *
dup_message_date (PigeonMimeMessage *message)
{
  gint64 unix_time;
  int tz_offset;
  g_autoptr (GTimeZone) zone = NULL;
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (!pigeon_mime_message_get_date (message, &unix_time, &tz_offset))
    return NULL;
  zone = g_time_zone_new_offset (tz_offset * 60);
  utc = g_date_time_new_from_unix_utc (unix_time);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_timezone (utc, zone);
  /* Translators: the date in "On DATE, NAME wrote:", see strftime(3) */
  return g_date_time_format (local, _ ("%a, %-d %b %Y at %H:%M"));
}

static void
append_quoted_lines (GString *out, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* RFC 3676 4.5: quote marks stack without a space between them. */
      if (*lines[i] == '\0' || *lines[i] == '>')
        g_string_append_printf (out, ">%s\n", lines[i]);
      else
        g_string_append_printf (out, "> %s\n", lines[i]);
    }
}

static char *
build_quote (PigeonMimeMessage *message)
{
  g_autofree char *date = dup_message_date (message);
  g_autofree char *name = dup_sender_name (message);
  g_autofree char *text = dup_message_text (message);
  GString *out = g_string_new ("\n\n");

  if (date != NULL)
    /* Translators: the line above a quoted message: date, then sender */
    g_string_append_printf (out, _ ("On %s, %s wrote:"), date, name);
  else
    /* Translators: the line above a quoted message with no date */
    g_string_append_printf (out, _ ("%s wrote:"), name);
  g_string_append_c (out, '\n');
  append_quoted_lines (out, text);
  return g_string_free (out, FALSE);
}

static void
append_header_line (GString *out, const char *label, const char *value)
{
  if (value != NULL && *value != '\0')
    g_string_append_printf (out, "%s %s\n", label, value);
}

static char *
dup_formatted_addresses (PigeonMimeMessage *message, const char *field)
{
  g_autoptr (GPtrArray) addresses = pigeon_mime_message_get_addresses (message, field);

  return pigeon_mime_address_list_format (addresses);
}

/* The forwarded message inline: a header block, then its text. */
static char *
build_forward_block (PigeonMimeMessage *message)
{
  g_autofree char *from = dup_formatted_addresses (message, "From");
  g_autofree char *to = dup_formatted_addresses (message, "To");
  g_autofree char *cc = dup_formatted_addresses (message, "Cc");
  g_autofree char *date = dup_message_date (message);
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);
  g_autofree char *text = dup_message_text (message);
  GString *out = g_string_new ("\n\n");

  g_string_append_printf (out, "---------- %s ----------\n", _ ("Forwarded message"));
  append_header_line (out, _ ("From:"), from);
  append_header_line (out, _ ("Date:"), date);
  append_header_line (out, _ ("Subject:"), subject);
  append_header_line (out, _ ("To:"), to);
  append_header_line (out, _ ("Cc:"), cc);
  g_string_append_printf (out, "\n%s\n", text);
  return g_string_free (out, FALSE);
}

/* The original's attachments, decoded, depth first. */
static void
collect_attachments (PigeonMimePart *part, GPtrArray *attachments)
{
  if (pigeon_mime_part_is_multipart (part))
    {
      for (guint i = 0; i < pigeon_mime_part_get_n_children (part); i++)
        collect_attachments (pigeon_mime_part_get_child (part, i), attachments);
      return;
    }
  if (pigeon_mime_part_is_attachment (part))
    {
      g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
      const char *filename = pigeon_mime_part_get_filename (part);

      g_ptr_array_add (attachments, pigeon_reply_attachment_new (filename != NULL ? filename : _ ("attachment"),
                                                                 pigeon_mime_part_get_mime_type (part), data));
    }
}

/* The original as a message/rfc822 attachment named after its subject. */
static PigeonReplyAttachment *
attach_original (PigeonMimeMessage *message, GBytes *raw)
{
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);
  g_autofree char *filename = NULL;

  if (subject == NULL || *g_strstrip (subject) == '\0')
    filename = g_strdup (_ ("Forwarded message.eml"));
  else
    filename = g_strdup_printf ("%s.eml", g_strdelimit (subject, "/\\:", '_'));
  return pigeon_reply_attachment_new (filename, "message/rfc822", raw);
}

static void
fill_threading (PigeonReply *reply, PigeonMimeMessage *message)
{
  g_autofree char *parent_id = pigeon_mime_message_dup_message_id (message);
  g_auto (GStrv) references = pigeon_mime_message_get_msg_ids (message, "References");
  g_auto (GStrv) in_reply_to = pigeon_mime_message_get_msg_ids (message, "In-Reply-To");

  reply->in_reply_to = g_strdup (parent_id);
  reply->references =
      pigeon_reply_references (parent_id, (const char *const *) references, (const char *const *) in_reply_to);
}

PigeonReply *
pigeon_reply_new (GBytes *raw, PigeonComposeMode mode, const char *const *own_addresses)
{
  g_autoptr (PigeonMimeMessage) message = NULL;
  g_autofree char *subject = NULL;
  PigeonReply *reply;

  g_return_val_if_fail (raw != NULL, NULL);
  g_return_val_if_fail (mode <= PIGEON_COMPOSE_FORWARD_ATTACHED, NULL);

  message = pigeon_mime_message_new_from_bytes (raw, NULL);
  subject = pigeon_mime_message_dup_subject (message);
  reply = g_new0 (PigeonReply, 1);
  reply->subject = pigeon_reply_subject (subject, mode);
  reply->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_reply_attachment_free);
  switch (mode)
    {
    case PIGEON_COMPOSE_REPLY:
    case PIGEON_COMPOSE_REPLY_ALL:
      fill_recipients (reply, message, mode == PIGEON_COMPOSE_REPLY_ALL, own_addresses);
      fill_threading (reply, message);
      reply->body = build_quote (message);
      break;
    case PIGEON_COMPOSE_FORWARD:
      reply->to = g_strdup ("");
      reply->cc = g_strdup ("");
      reply->bcc = g_strdup ("");
      reply->body = build_forward_block (message);
      collect_attachments (pigeon_mime_message_get_root (message), reply->attachments);
      break;
    case PIGEON_COMPOSE_FORWARD_ATTACHED:
      reply->to = g_strdup ("");
      reply->cc = g_strdup ("");
      reply->bcc = g_strdup ("");
      reply->body = g_strdup ("");
      g_ptr_array_add (reply->attachments, attach_original (message, raw));
      break;
    default:
      g_assert_not_reached ();
    }
  return reply;
}

PigeonReply *
pigeon_reply_new_from_message (GBytes *raw)
{
  g_autoptr (PigeonMimeMessage) message = NULL;
  g_autoptr (GPtrArray) from = NULL;
  g_auto (GStrv) in_reply_to = NULL;
  PigeonReply *reply;

  g_return_val_if_fail (raw != NULL, NULL);

  message = pigeon_mime_message_new_from_bytes (raw, NULL);
  from = pigeon_mime_message_get_addresses (message, "From");
  in_reply_to = pigeon_mime_message_get_msg_ids (message, "In-Reply-To");
  reply = g_new0 (PigeonReply, 1);
  if (from->len > 0)
    reply->from = g_strdup (((PigeonMimeAddress *) g_ptr_array_index (from, 0))->address);
  reply->to = dup_formatted_addresses (message, "To");
  reply->cc = dup_formatted_addresses (message, "Cc");
  reply->bcc = dup_formatted_addresses (message, "Bcc");
  reply->subject = pigeon_mime_message_dup_subject (message);
  reply->in_reply_to = g_strdup (in_reply_to[0]);
  reply->references = pigeon_mime_message_get_msg_ids (message, "References");
  reply->body = dup_full_text (message);
  reply->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_reply_attachment_free);
  collect_attachments (pigeon_mime_message_get_root (message), reply->attachments);
  return reply;
}
