/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <string.h>

#include "pigeon-store-private.h"

/* What a list shows, as a SELECT of (id, k) rows: the message id and its
 * sort key. A list held in memory loads every (id, k) pair once, in order;
 * a paged list reads pages by offset or after a known row, and counts the
 * rows before a row to place a change. Both ask again only for the ids a
 * write touched. */
struct _PigeonListQuery
{
  PigeonSortKey sort;
  gboolean descending;
  gboolean text_key;
  gint64 folder_id; /* for a folder list; 0 otherwise */
  char *source;
  GArray *int_params; /* ?1.. */
  char *text_param;   /* the last parameter, when there is one */
  sqlite3_stmt *all;
  sqlite3_stmt *some;
  sqlite3_stmt *total;
  sqlite3_stmt *page[2][2]; /* [reverse][after a row] */
  sqlite3_stmt *count[2];   /* [from a row] */
};

static PigeonListQuery *
query_new (PigeonSortKey sort, gboolean descending, char *source)
{
  PigeonListQuery *query = g_new0 (PigeonListQuery, 1);

  query->sort = sort;
  query->descending = descending;
  query->text_key = sort == PIGEON_SORT_SENDER || sort == PIGEON_SORT_SUBJECT;
  query->source = source;
  query->int_params = g_array_new (FALSE, FALSE, sizeof (gint64));
  return query;
}

void
pigeon_list_query_free (PigeonListQuery *query)
{
  g_clear_pointer (&query->all, sqlite3_finalize);
  g_clear_pointer (&query->some, sqlite3_finalize);
  g_clear_pointer (&query->total, sqlite3_finalize);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&query->page[i][0], sqlite3_finalize);
      g_clear_pointer (&query->page[i][1], sqlite3_finalize);
      g_clear_pointer (&query->count[i], sqlite3_finalize);
    }
  g_array_unref (query->int_params);
  g_free (query->text_param);
  g_free (query->source);
  g_free (query);
}

static const char *
message_key_column (PigeonSortKey sort)
{
  switch (sort)
    {
    case PIGEON_SORT_SENDER:
      return "m.sender";
    case PIGEON_SORT_SUBJECT:
      return "m.subject";
    case PIGEON_SORT_SIZE:
      return "m.size";
    case PIGEON_SORT_DATE:
    default:
      return "m.date";
    }
}

PigeonListQuery *
pigeon_list_query_new_folder (gint64 folder_id, PigeonSortKey sort, gboolean descending)
{
  PigeonListQuery *query;
  char *source;

  /* By date the locations' own index answers alone: no join. */
  if (sort == PIGEON_SORT_DATE)
    source = g_strdup ("SELECT message_id AS id, sort_date AS k FROM message_locations WHERE folder_id = ?1");
  else
    source = g_strdup_printf ("SELECT l.message_id AS id, %s AS k FROM message_locations l "
                              "JOIN messages m ON m.id = l.message_id WHERE l.folder_id = ?1",
                              message_key_column (sort));
  query = query_new (sort, descending, source);
  query->folder_id = folder_id;
  g_array_append_val (query->int_params, folder_id);
  return query;
}

PigeonListQuery *
pigeon_list_query_new_thread (gint64 thread_id)
{
  PigeonListQuery *query = query_new (
      PIGEON_SORT_DATE, FALSE, g_strdup ("SELECT m.id AS id, m.date AS k FROM messages m WHERE m.thread_id = ?1"));

  g_array_append_val (query->int_params, thread_id);
  return query;
}

PigeonSortKey
pigeon_list_query_get_sort (PigeonListQuery *query)
{
  return query->sort;
}

gboolean
pigeon_list_query_get_descending (PigeonListQuery *query)
{
  return query->descending;
}

gboolean
pigeon_list_query_has_text_key (PigeonListQuery *query)
{
  return query->text_key;
}

gboolean
pigeon_list_query_concerns (PigeonListQuery *query, const PigeonMessageChange *change)
{
  return query->folder_id == 0 || change->folder_id == 0 || change->folder_id == query->folder_id;
}

gboolean
pigeon_list_query_is_indexed (PigeonListQuery *query)
{
  return query->folder_id != 0 && query->sort == PIGEON_SORT_DATE;
}

void
pigeon_list_query_bind (PigeonListQuery *query, sqlite3_stmt *stmt)
{
  guint i;

  for (i = 0; i < query->int_params->len; i++)
    sqlite3_bind_int64 (stmt, i + 1, g_array_index (query->int_params, gint64, i));
  if (query->text_param != NULL)
    sqlite3_bind_text (stmt, i + 1, query->text_param, -1, SQLITE_STATIC);
}

static sqlite3_stmt *
prepare (PigeonListQuery *query, PigeonDb *db, sqlite3_stmt **slot, const char *sql, GError **error)
{
  int rc;

  if (*slot == NULL)
    {
      rc = sqlite3_prepare_v3 (pigeon_db_handle (db), sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
      if (rc != SQLITE_OK)
        {
          pigeon_db_fail (db, rc, error);
          if (error != NULL && (*error)->code == PIGEON_STORE_ERROR_SQLITE)
            (*error)->code = PIGEON_STORE_ERROR_BAD_QUERY;
          return NULL;
        }
    }
  sqlite3_reset (*slot);
  sqlite3_clear_bindings (*slot);
  pigeon_list_query_bind (query, *slot);
  return *slot;
}

static char *
ordered_sql (PigeonListQuery *query, gboolean reverse, const char *where, const char *limit)
{
  const char *order = query->descending != reverse ? "DESC" : "ASC";

  return g_strdup_printf ("SELECT id, k FROM (%s)%s ORDER BY k%s %s, id %s%s", query->source, where,
                          query->text_key ? " COLLATE PIGEON" : "", order, order, limit);
}

sqlite3_stmt *
pigeon_list_query_prepare_all (PigeonListQuery *query, PigeonDb *db, GError **error)
{
  g_autofree char *sql = ordered_sql (query, FALSE, "", "");

  return prepare (query, db, &query->all, sql, error);
}

/* "(k, id) < (:key, :id)" and the like, the key compared as it is sorted. */
static char *
row_condition (PigeonListQuery *query, const char *op, const char *name)
{
  return g_strdup_printf ("(k%s, id) %s (:key%s, :id%s)", query->text_key ? " COLLATE PIGEON" : "", op, name, name);
}

sqlite3_stmt *
pigeon_list_query_prepare_page (PigeonListQuery *query, PigeonDb *db, gboolean reverse, gboolean after, GError **error)
{
  /* Reading down a descending list, "after" is smaller. */
  g_autofree char *condition = row_condition (query, query->descending != reverse ? "<" : ">", "");
  g_autofree char *where = after ? g_strconcat (" WHERE ", condition, NULL) : g_strdup ("");
  g_autofree char *sql = ordered_sql (query, reverse, where, " LIMIT :limit OFFSET :offset");

  return prepare (query, db, &query->page[reverse != 0][after != 0], sql, error);
}

sqlite3_stmt *
pigeon_list_query_prepare_count (PigeonListQuery *query, PigeonDb *db, gboolean from, GError **error)
{
  g_autofree char *before = row_condition (query, query->descending ? ">" : "<", "");
  g_autofree char *not_before = row_condition (query, query->descending ? "<=" : ">=", "_from");
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM (%s) WHERE %s%s%s", query->source, before,
                                          from ? " AND " : "", from ? not_before : "");

  return prepare (query, db, &query->count[from != 0], sql, error);
}

sqlite3_stmt *
pigeon_list_query_prepare_total (PigeonListQuery *query, PigeonDb *db, GError **error)
{
  g_autofree char *sql = NULL;

  /* The folder's count follows its locations in the same transaction
   * (triggers of 001-initial.sql): no need to count them. */
  if (query->folder_id != 0)
    return prepare (query, db, &query->total, "SELECT total FROM folders WHERE id = ?1", error);
  sql = g_strdup_printf ("SELECT count(*) FROM (%s)", query->source);
  return prepare (query, db, &query->total, sql, error);
}

sqlite3_stmt *
pigeon_list_query_prepare_some (PigeonListQuery *query, PigeonDb *db, const char *ids_json, GError **error)
{
  g_autofree char *sql =
      g_strdup_printf ("SELECT id, k FROM (%s) WHERE id IN (SELECT value FROM json_each (:ids))", query->source);
  sqlite3_stmt *stmt = prepare (query, db, &query->some, sql, error);

  if (stmt != NULL)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":ids"), ids_json, -1, SQLITE_TRANSIENT);
  return stmt;
}

/* Search: the query text becomes an FTS5 expression plus conditions. */

typedef struct
{
  GString *match;        /* FTS5 expression */
  GPtrArray *conditions; /* SQL over "m" */
} SearchParts;

/* An FTS5 string, quoted (FTS5 doubles the quotes inside), and made a
 * prefix query so that "pige" finds "pigeon" while typing. */
static void
append_fts_term (GString *match, const char *column, const char *value)
{
  if (match->len > 0)
    g_string_append (match, " AND ");
  if (column != NULL)
    g_string_append_printf (match, "%s : ", column);
  g_string_append_c (match, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (match, '"');
      g_string_append_c (match, *p);
    }
  g_string_append (match, "\"*");
}

static gboolean
has_word (const char *value)
{
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static gboolean
add_condition (SearchParts *parts, const char *condition)
{
  g_ptr_array_add (parts->conditions, (gpointer) condition);
  return TRUE;
}

static gboolean
parse_term (SearchParts *parts, const char *term, GError **error)
{
  static const struct
  {
    const char *prefix;
    const char *column;
  } fields[] = { { "from:", "sender" }, { "to:", "recipients" }, { "subject:", "subject" }, { "body:", "body" } };

  if (g_ascii_strcasecmp (term, "has:attachment") == 0 || g_ascii_strcasecmp (term, "has:attachments") == 0)
    return add_condition (parts, "m.has_attachments != 0");
  if (g_ascii_strcasecmp (term, "is:unread") == 0)
    return add_condition (parts, "(m.flags & 1) = 0");
  if (g_ascii_strcasecmp (term, "is:read") == 0)
    return add_condition (parts, "(m.flags & 1) != 0");
  if (g_ascii_strcasecmp (term, "is:flagged") == 0)
    return add_condition (parts, "(m.flags & 4) != 0");
  if (g_ascii_strncasecmp (term, "is:", 3) == 0 || g_ascii_strncasecmp (term, "has:", 4) == 0)
    {
      g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_BAD_QUERY, "Unknown search term “%s”", term);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_ascii_strncasecmp (term, fields[i].prefix, strlen (fields[i].prefix)) == 0)
      {
        const char *value = term + strlen (fields[i].prefix);

        if (has_word (value))
          append_fts_term (parts->match, fields[i].column, value);
        return TRUE;
      }
  /* Punctuation alone gives FTS5 nothing to match: skip it. */
  if (has_word (term))
    append_fts_term (parts->match, NULL, term);
  return TRUE;
}

/* Splits on spaces, keeping "quoted phrases" (quotes removed) whole, also
 * after a prefix: subject:"hello world". */
static GPtrArray *
split_terms (const char *text)
{
  GPtrArray *terms = g_ptr_array_new_with_free_func (g_free);
  GString *term = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text;; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (*p != '\0' && (quoted || !g_ascii_isspace (*p)))
        g_string_append_c (term, *p);
      else if (term->len > 0)
        {
          g_ptr_array_add (terms, g_strdup (term->str));
          g_string_truncate (term, 0);
        }
      if (*p == '\0')
        break;
    }
  g_string_free (term, TRUE);
  return terms;
}

static char *
search_source (SearchParts *parts, gint64 account_id)
{
  GString *sql = g_string_new ("SELECT m.id AS id, m.date AS k FROM messages m WHERE 1");

  if (account_id != 0)
    g_string_append (sql, " AND m.account_id = ?1");
  for (guint i = 0; i < parts->conditions->len; i++)
    g_string_append_printf (sql, " AND %s", (const char *) parts->conditions->pdata[i]);
  if (parts->match->len > 0)
    g_string_append_printf (sql, " AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?%d)",
                            account_id != 0 ? 2 : 1);
  return g_string_free (sql, FALSE);
}

PigeonListQuery *
pigeon_list_query_new_search (gint64 account_id, const char *text, GError **error)
{
  g_autoptr (GPtrArray) terms = split_terms (text);
  g_autoptr (GPtrArray) conditions = g_ptr_array_new ();
  g_autoptr (GString) match = g_string_new (NULL);
  SearchParts parts = { match, conditions };
  PigeonListQuery *query;

  for (guint i = 0; i < terms->len; i++)
    if (!parse_term (&parts, terms->pdata[i], error))
      return NULL;
  query = query_new (PIGEON_SORT_DATE, TRUE, search_source (&parts, account_id));
  if (account_id != 0)
    g_array_append_val (query->int_params, account_id);
  if (match->len > 0)
    query->text_param = g_strdup (match->str);
  return query;
}
