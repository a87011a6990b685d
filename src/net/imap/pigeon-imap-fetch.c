/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pigeon-imap-fetch.h"
#include "pigeon-mime-address.h"
#include "pigeon-mime-date.h"
#include "pigeon-mime-header.h"

/* ------------------------------------------------------------------ */
/* ENVELOPE (RFC 3501 7.4.2)                                           */

static char *
decoded (PigeonImapValue *value)
{
  const char *s = pigeon_imap_value_string (value);

  if (s == NULL)
    return NULL;
  if (strstr (s, "=?") == NULL && g_utf8_validate (s, value->len, NULL))
    return g_strdup (s);
  return pigeon_mime_header_decode_words (s, value->len);
}

/* address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")";
 * a NIL host opens a group (its name in the mailbox field), a NIL
 * mailbox closes it (RFC 3501 7.4.2). Group markers are dropped; their
 * members stay. */
static GPtrArray *
address_list (PigeonImapValue *value)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);

  if (!pigeon_imap_value_is_list (value))
    return list;
  for (guint i = 0; i < value->n_items && list->len < PIGEON_MIME_MAX_ADDRESSES; i++)
    {
      PigeonImapValue *a = value->items[i];
      const char *mailbox = pigeon_imap_value_string (pigeon_imap_value_nth (a, 2));
      const char *host = pigeon_imap_value_string (pigeon_imap_value_nth (a, 3));
      g_autofree char *name = decoded (pigeon_imap_value_nth (a, 0));
      g_autofree char *address = NULL;

      if (mailbox == NULL || host == NULL)
        continue;
      address = *host != '\0' ? g_strconcat (mailbox, "@", host, NULL) : g_strdup (mailbox);
      g_ptr_array_add (list, pigeon_mime_address_new (name != NULL && *name != '\0' ? name : NULL, address));
    }
  return list;
}

void
pigeon_imap_envelope_free (PigeonImapEnvelope *envelope)
{
  if (envelope == NULL)
    return;
  g_free (envelope->date);
  g_free (envelope->subject);
  g_ptr_array_unref (envelope->from);
  g_ptr_array_unref (envelope->sender);
  g_ptr_array_unref (envelope->reply_to);
  g_ptr_array_unref (envelope->to);
  g_ptr_array_unref (envelope->cc);
  g_ptr_array_unref (envelope->bcc);
  g_free (envelope->in_reply_to);
  g_free (envelope->message_id);
  g_free (envelope);
}

PigeonImapEnvelope *
pigeon_imap_envelope_parse (PigeonImapValue *value)
{
  PigeonImapEnvelope *e;
  int tz;

  if (!pigeon_imap_value_is_list (value) || value->n_items < 10)
    return NULL;
  e = g_new0 (PigeonImapEnvelope, 1);
  e->date = g_strdup (pigeon_imap_value_string (value->items[0]));
  if (e->date == NULL || !pigeon_mime_date_parse (e->date, -1, &e->unix_time, &tz))
    e->unix_time = 0;
  e->subject = decoded (value->items[1]);
  e->from = address_list (value->items[2]);
  e->sender = address_list (value->items[3]);
  e->reply_to = address_list (value->items[4]);
  e->to = address_list (value->items[5]);
  e->cc = address_list (value->items[6]);
  e->bcc = address_list (value->items[7]);
  e->in_reply_to = g_strdup (pigeon_imap_value_string (value->items[8]));
  e->message_id = g_strdup (pigeon_imap_value_string (value->items[9]));
  return e;
}

/* ------------------------------------------------------------------ */
/* BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2)                      */

void
pigeon_imap_body_free (PigeonImapBody *body)
{
  if (body == NULL)
    return;
  g_free (body->type);
  g_free (body->subtype);
  g_free (body->section);
  g_clear_pointer (&body->params, g_hash_table_unref);
  g_free (body->id);
  g_free (body->description);
  g_free (body->encoding);
  g_free (body->disposition);
  g_free (body->filename);
  g_clear_pointer (&body->children, g_ptr_array_unref);
  g_free (body);
}

static char *
lower (PigeonImapValue *value)
{
  const char *s = pigeon_imap_value_string (value);
  return s != NULL ? g_ascii_strdown (s, -1) : NULL;
}

static GHashTable *
params_parse (PigeonImapValue *value)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (pigeon_imap_value_is_list (value))
    for (guint i = 0; i + 1 < value->n_items; i += 2)
      {
        char *name = lower (value->items[i]);
        char *text = decoded (value->items[i + 1]);
        if (name != NULL && text != NULL)
          g_hash_table_replace (params, name, text);
        else
          {
            g_free (name);
            g_free (text);
          }
      }
  return params;
}

/* body-ext: disposition = "(" string SP body-fld-param ")" / nil. */
static void
disposition_parse (PigeonImapBody *body, PigeonImapValue *value)
{
  g_autoptr (GHashTable) params = NULL;
  const char *filename;

  if (!pigeon_imap_value_is_list (value))
    return;
  body->disposition = lower (pigeon_imap_value_nth (value, 0));
  params = params_parse (pigeon_imap_value_nth (value, 1));
  filename = g_hash_table_lookup (params, "filename");
  if (filename != NULL)
    body->filename = g_strdup (filename);
}

static char *
child_section (const char *parent, guint index)
{
  return *parent == '\0' ? g_strdup_printf ("%u", index) : g_strdup_printf ("%s.%u", parent, index);
}

static PigeonImapBody *body_parse (PigeonImapValue *value, const char *section, guint depth);

static PigeonImapBody *
multipart_parse (PigeonImapValue *value, const char *section, guint depth)
{
  PigeonImapBody *body = g_new0 (PigeonImapBody, 1);
  guint i;

  body->type = g_strdup ("multipart");
  body->section = g_strdup (section);
  body->children = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_imap_body_free);
  for (i = 0; i < value->n_items && pigeon_imap_value_is_list (value->items[i]); i++)
    {
      g_autofree char *sub = child_section (section, i + 1);
      PigeonImapBody *child = body_parse (value->items[i], sub, depth + 1);
      if (child == NULL)
        {
          pigeon_imap_body_free (body);
          return NULL;
        }
      g_ptr_array_add (body->children, child);
    }
  if (i == 0 || i >= value->n_items)
    {
      pigeon_imap_body_free (body);
      return NULL;
    }
  body->subtype = lower (value->items[i]);
  body->params = params_parse (pigeon_imap_value_nth (value, i + 1));
  disposition_parse (body, pigeon_imap_value_nth (value, i + 2));
  return body;
}

static PigeonImapBody *
single_parse (PigeonImapValue *value, const char *section, guint depth)
{
  PigeonImapBody *body;
  guint next = 7;

  if (value->n_items < 7)
    return NULL;
  body = g_new0 (PigeonImapBody, 1);
  body->type = lower (value->items[0]);
  body->subtype = lower (value->items[1]);
  body->section = g_strdup (section);
  body->params = params_parse (value->items[2]);
  body->id = g_strdup (pigeon_imap_value_string (value->items[3]));
  body->description = decoded (value->items[4]);
  body->encoding = lower (value->items[5]);
  pigeon_imap_value_number (value->items[6], &body->size);
  if (g_strcmp0 (body->type, "message") == 0 && g_strcmp0 (body->subtype, "rfc822") == 0 && value->n_items >= 10)
    {
      /* envelope, body, lines follow the basic fields (RFC 3501 body-type-msg);
       * the enclosed body's parts are numbered under this one's section. */
      PigeonImapBody *inner = body_parse (value->items[8], section, depth + 1);
      if (inner != NULL)
        {
          body->children = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_imap_body_free);
          g_ptr_array_add (body->children, inner);
        }
      pigeon_imap_value_number (value->items[9], &body->lines);
      next = 10;
    }
  else if (g_strcmp0 (body->type, "text") == 0 && value->n_items >= 8)
    {
      pigeon_imap_value_number (value->items[7], &body->lines);
      next = 8;
    }
  /* body-ext-1part: md5, disposition, language, location */
  disposition_parse (body, pigeon_imap_value_nth (value, next + 1));
  if (body->filename == NULL && g_hash_table_contains (body->params, "name"))
    body->filename = g_strdup (g_hash_table_lookup (body->params, "name"));
  return body;
}

static PigeonImapBody *
body_parse (PigeonImapValue *value, const char *section, guint depth)
{
  if (!pigeon_imap_value_is_list (value) || value->n_items == 0 || depth > PIGEON_IMAP_MAX_DEPTH)
    return NULL;
  if (pigeon_imap_value_is_list (value->items[0]))
    return multipart_parse (value, section, depth);
  return single_parse (value, *section == '\0' ? "1" : section, depth);
}

PigeonImapBody *
pigeon_imap_body_parse (PigeonImapValue *value)
{
  return body_parse (value, "", 0);
}

/* ------------------------------------------------------------------ */
/* FETCH (RFC 3501 7.4.2)                                              */

void
pigeon_imap_fetch_free (PigeonImapFetch *fetch)
{
  if (fetch == NULL)
    return;
  g_strfreev (fetch->flags);
  g_free (fetch->internaldate);
  pigeon_imap_envelope_free (fetch->envelope);
  pigeon_imap_body_free (fetch->body_structure);
  g_clear_pointer (&fetch->sections, g_hash_table_unref);
  g_free (fetch);
}

static char **
strv_from_list (PigeonImapValue *value)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  if (pigeon_imap_value_is_list (value))
    for (guint i = 0; i < value->n_items; i++)
      if (pigeon_imap_value_string (value->items[i]) != NULL)
        g_strv_builder_add (builder, value->items[i]->data);
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

/* RFC 3501 date-time: "17-Jul-1996 02:44:25 -0700". */
static gint64
internaldate_parse (const char *s)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  int day, year, h, m, sec, zone;
  char mon[4];
  const char *at;
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GDateTime) dt = NULL;
  char zbuf[8];

  if (s == NULL || sscanf (s, " %d-%3s-%d %d:%d:%d %d", &day, mon, &year, &h, &m, &sec, &zone) != 7)
    return 0;
  at = strstr (months, mon);
  if (at == NULL || (at - months) % 3 != 0)
    return 0;
  g_snprintf (zbuf, sizeof zbuf, "%c%04d", strchr (s, '+') != NULL ? '+' : '-', ABS (zone));
  tz = g_time_zone_new_identifier (zbuf);
  if (tz == NULL)
    return 0;
  dt = g_date_time_new (tz, year, (at - months) / 3 + 1, day, h, m, sec);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static void
fetch_section (PigeonImapFetch *fetch, const char *name, PigeonImapValue *value)
{
  const char *open = strchr (name, '[');
  const char *close = open != NULL ? strchr (open, ']') : NULL;
  g_autofree char *section = NULL;
  GBytes *bytes;

  if (close == NULL)
    return;
  /* "BODY[1.2]<0>" is kept as "1.2<0>", the origin the server echoed. */
  section = g_strdup_printf ("%.*s%s", (int) (close - open - 1), open + 1, close + 1);
  bytes = value->type == PIGEON_IMAP_VALUE_NIL ? g_bytes_new (NULL, 0) : g_bytes_new (value->data, value->len);
  if (fetch->sections == NULL)
    fetch->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  if (g_ascii_strcasecmp (section, "HEADER") == 0)
    fetch->present |= PIGEON_IMAP_FETCH_HEADER;
  else if (*section == '\0')
    fetch->present |= PIGEON_IMAP_FETCH_BODY;
  g_hash_table_replace (fetch->sections, g_ascii_strup (section, -1), bytes);
}

static gboolean
fetch_item (PigeonImapFetch *fetch, const char *name, PigeonImapValue *value)
{
  guint64 n;

  if (g_ascii_strcasecmp (name, "UID") == 0 && pigeon_imap_value_number (value, &n) && n <= G_MAXUINT32)
    fetch->uid = n, fetch->present |= PIGEON_IMAP_FETCH_UID;
  else if (g_ascii_strcasecmp (name, "FLAGS") == 0 && pigeon_imap_value_is_list (value))
    {
      g_strfreev (fetch->flags);
      fetch->flags = strv_from_list (value);
      fetch->present |= PIGEON_IMAP_FETCH_FLAGS;
    }
  else if (g_ascii_strcasecmp (name, "INTERNALDATE") == 0 && pigeon_imap_value_string (value) != NULL)
    {
      g_free (fetch->internaldate);
      fetch->internaldate = g_strdup (value->data);
      fetch->internal_time = internaldate_parse (value->data);
      fetch->present |= PIGEON_IMAP_FETCH_INTERNALDATE;
    }
  else if ((g_ascii_strcasecmp (name, "RFC822.SIZE") == 0) && pigeon_imap_value_number (value, &n))
    fetch->size = n, fetch->present |= PIGEON_IMAP_FETCH_SIZE;
  else if (g_ascii_strcasecmp (name, "MODSEQ") == 0 && pigeon_imap_value_number (pigeon_imap_value_nth (value, 0), &n))
    fetch->modseq = n, fetch->present |= PIGEON_IMAP_FETCH_MODSEQ;
  else if (g_ascii_strcasecmp (name, "ENVELOPE") == 0)
    {
      pigeon_imap_envelope_free (fetch->envelope);
      fetch->envelope = pigeon_imap_envelope_parse (value);
      if (fetch->envelope == NULL)
        return FALSE;
      fetch->present |= PIGEON_IMAP_FETCH_ENVELOPE;
    }
  else if (g_ascii_strcasecmp (name, "BODYSTRUCTURE") == 0 || g_ascii_strcasecmp (name, "BODY") == 0)
    {
      pigeon_imap_body_free (fetch->body_structure);
      fetch->body_structure = pigeon_imap_body_parse (value);
      if (fetch->body_structure == NULL)
        return FALSE;
      fetch->present |= PIGEON_IMAP_FETCH_BODYSTRUCTURE;
    }
  else if ((g_ascii_strncasecmp (name, "BODY[", 5) == 0 || g_ascii_strncasecmp (name, "BINARY[", 7) == 0) &&
           (value->type != PIGEON_IMAP_VALUE_LIST))
    fetch_section (fetch, name, value);
  else if (g_ascii_strcasecmp (name, "RFC822") == 0 && pigeon_imap_value_string (value) != NULL)
    fetch_section (fetch, "BODY[]", value);
  else if (g_ascii_strcasecmp (name, "RFC822.HEADER") == 0 && pigeon_imap_value_string (value) != NULL)
    fetch_section (fetch, "BODY[HEADER]", value);
  /* Anything else (X-GM-*, PREVIEW, ...) is ignored. */
  return TRUE;
}

PigeonImapFetch *
pigeon_imap_fetch_parse (PigeonImapResponse *response)
{
  PigeonImapValue *items = pigeon_imap_value_nth (response->args, 0);
  g_autoptr (PigeonImapFetch) fetch = NULL;

  if (!response->has_number || response->number > G_MAXUINT32 || !pigeon_imap_value_is_list (items) ||
      items->n_items % 2 != 0)
    return NULL;
  fetch = g_new0 (PigeonImapFetch, 1);
  fetch->seq = response->number;
  for (guint i = 0; i < items->n_items; i += 2)
    {
      const char *name = pigeon_imap_value_string (items->items[i]);
      if (name == NULL || items->items[i]->type != PIGEON_IMAP_VALUE_ATOM ||
          !fetch_item (fetch, name, items->items[i + 1]))
        return NULL;
    }
  return g_steal_pointer (&fetch);
}

gboolean
pigeon_imap_fetch_has_flag (PigeonImapFetch *fetch, const char *flag)
{
  for (guint i = 0; fetch->flags != NULL && fetch->flags[i] != NULL; i++)
    if (g_ascii_strcasecmp (fetch->flags[i], flag) == 0)
      return TRUE;
  return FALSE;
}

GBytes *
pigeon_imap_fetch_get_section (PigeonImapFetch *fetch, const char *section)
{
  g_autofree char *key = g_ascii_strup (section, -1);
  return fetch->sections != NULL ? g_hash_table_lookup (fetch->sections, key) : NULL;
}

/* ------------------------------------------------------------------ */
/* LIST, STATUS (RFC 3501 7.2.2, 7.2.4; RFC 6154; RFC 5819)            */

const char *
pigeon_imap_role_to_string (PigeonImapRole role)
{
  static const char *const names[] = { "", "inbox", "all", "archive", "drafts", "flagged", "junk", "sent", "trash" };

  g_return_val_if_fail (role < G_N_ELEMENTS (names), "");
  return names[role];
}

static PigeonImapRole
role_from_attribute (const char *attr)
{
  static const struct
  {
    const char *attr;
    PigeonImapRole role;
  } roles[] = { { "\\All", PIGEON_IMAP_ROLE_ALL },       { "\\Archive", PIGEON_IMAP_ROLE_ARCHIVE },
                { "\\Drafts", PIGEON_IMAP_ROLE_DRAFTS }, { "\\Flagged", PIGEON_IMAP_ROLE_FLAGGED },
                { "\\Junk", PIGEON_IMAP_ROLE_JUNK },     { "\\Sent", PIGEON_IMAP_ROLE_SENT },
                { "\\Trash", PIGEON_IMAP_ROLE_TRASH } };

  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_ascii_strcasecmp (attr, roles[i].attr) == 0)
      return roles[i].role;
  return PIGEON_IMAP_ROLE_NONE;
}

void
pigeon_imap_mailbox_free (PigeonImapMailbox *mailbox)
{
  if (mailbox == NULL)
    return;
  g_free (mailbox->name);
  g_free (mailbox->raw_name);
  g_strfreev (mailbox->attributes);
  g_free (mailbox);
}

PigeonImapMailbox *
pigeon_imap_mailbox_parse (PigeonImapResponse *response, gboolean utf8)
{
  PigeonImapValue *attrs = pigeon_imap_value_nth (response->args, 0);
  PigeonImapValue *delim = pigeon_imap_value_nth (response->args, 1);
  const char *raw = pigeon_imap_value_string (pigeon_imap_value_nth (response->args, 2));
  PigeonImapMailbox *mailbox;

  if (!pigeon_imap_value_is_list (attrs) || delim == NULL || raw == NULL)
    return NULL;
  mailbox = g_new0 (PigeonImapMailbox, 1);
  mailbox->raw_name = g_strdup (raw);
  mailbox->name = utf8 ? NULL : pigeon_imap_utf7_decode (raw);
  if (mailbox->name == NULL)
    mailbox->name = g_utf8_make_valid (raw, -1);
  if (pigeon_imap_value_string (delim) != NULL)
    mailbox->delimiter = delim->data[0];
  mailbox->attributes = strv_from_list (attrs);
  for (guint i = 0; mailbox->attributes[i] != NULL; i++)
    {
      const char *a = mailbox->attributes[i];
      if (g_ascii_strcasecmp (a, "\\Noselect") == 0 || g_ascii_strcasecmp (a, "\\NonExistent") == 0)
        mailbox->noselect = TRUE;
      else if (g_ascii_strcasecmp (a, "\\HasChildren") == 0)
        mailbox->has_children = TRUE;
      else if (g_ascii_strcasecmp (a, "\\Subscribed") == 0)
        mailbox->subscribed = TRUE;
      else if (mailbox->role == PIGEON_IMAP_ROLE_NONE)
        mailbox->role = role_from_attribute (a);
    }
  if (g_ascii_strcasecmp (raw, "INBOX") == 0)
    mailbox->role = PIGEON_IMAP_ROLE_INBOX;
  return mailbox;
}

void
pigeon_imap_mailbox_apply_status (PigeonImapMailbox *mailbox, PigeonImapValue *items)
{
  if (!pigeon_imap_value_is_list (items))
    return;
  mailbox->has_status = TRUE;
  for (guint i = 0; i + 1 < items->n_items; i += 2)
    {
      const char *name = pigeon_imap_value_string (items->items[i]);
      guint64 n;
      if (name == NULL || !pigeon_imap_value_number (items->items[i + 1], &n))
        continue;
      if (g_ascii_strcasecmp (name, "MESSAGES") == 0)
        mailbox->messages = n;
      else if (g_ascii_strcasecmp (name, "UNSEEN") == 0)
        mailbox->unseen = n;
      else if (g_ascii_strcasecmp (name, "UIDNEXT") == 0)
        mailbox->uidnext = n;
      else if (g_ascii_strcasecmp (name, "UIDVALIDITY") == 0)
        mailbox->uidvalidity = n;
      else if (g_ascii_strcasecmp (name, "HIGHESTMODSEQ") == 0)
        mailbox->highestmodseq = n;
    }
}

void
pigeon_imap_selected_free (PigeonImapSelected *selected)
{
  if (selected == NULL)
    return;
  g_free (selected->name);
  g_strfreev (selected->flags);
  g_strfreev (selected->permanent_flags);
  g_free (selected->vanished);
  g_free (selected);
}

/* ------------------------------------------------------------------ */
/* UID sets (RFC 3501 9, sequence-set)                                 */

static int
compare_uid (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

GArray *
pigeon_imap_uid_set_parse (const char *set, guint max)
{
  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_auto (GStrv) ranges = g_strsplit (set, ",", -1);

  for (guint i = 0; ranges[i] != NULL; i++)
    {
      guint64 lo, hi;
      char *end;
      lo = g_ascii_strtoull (ranges[i], &end, 10);
      hi = lo;
      if (end == ranges[i])
        return NULL;
      if (*end == ':')
        {
          char *start = end + 1;
          hi = g_ascii_strtoull (start, &end, 10);
          if (end == start)
            return NULL;
        }
      if (*end != '\0' || lo == 0 || hi == 0 || lo > G_MAXUINT32 || hi > G_MAXUINT32)
        return NULL;
      if (lo > hi)
        {
          guint64 t = lo;
          lo = hi;
          hi = t;
        }
      if (hi - lo >= max || uids->len + (hi - lo + 1) > max)
        return NULL;
      for (guint64 u = lo; u <= hi; u++)
        {
          guint32 v = u;
          g_array_append_val (uids, v);
        }
    }
  g_array_sort (uids, compare_uid);
  return g_steal_pointer (&uids);
}

char *
pigeon_imap_uid_set_format (const guint32 *uids, guint n)
{
  GString *out = g_string_new (NULL);
  g_autofree guint32 *sorted = g_memdup2 (uids, n * sizeof (guint32));

  qsort (sorted, n, sizeof (guint32), compare_uid);
  for (guint i = 0; i < n;)
    {
      guint j = i;
      while (j + 1 < n && sorted[j + 1] <= sorted[j] + 1)
        j++;
      if (out->len > 0)
        g_string_append_c (out, ',');
      if (sorted[j] != sorted[i])
        g_string_append_printf (out, "%u:%u", sorted[i], sorted[j]);
      else
        g_string_append_printf (out, "%u", sorted[i]);
      i = j + 1;
    }
  return g_string_free (out, FALSE);
}
