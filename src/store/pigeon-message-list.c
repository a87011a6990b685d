/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <string.h>

#include "pigeon-store-private.h"

/* Two ways to hold the rows:
 *
 *   held in memory   every (id, key) row of the list, 24 bytes each, read at
 *                    once: a search, a thread, a folder sorted by another
 *                    key than the date;
 *   paged            a folder by date, which an index gives in order: the
 *                    number of rows, then pages of rows read on demand by
 *                    offset (from the nearer end) or after a cached page,
 *                    kept in a small LRU.
 *
 * Either way message objects are built a page at a time, and a write is
 * applied by asking again for the ids it touched. A paged list reads the
 * reader's snapshot, which moves only when the store takes in the writes
 * the list is then told of (pigeon_message_list_prepare()), so that its
 * count and pages always match what it announced. */

/* Rows per page, for message objects and for a paged list's rows. */
#define PAGE_SIZE 64
/* Objects kept beyond what the views hold themselves. */
#define CACHE_LIMIT (8 * PAGE_SIZE)
/* Pages of rows a paged list keeps: 2,048 rows, about 50 KB; a view shows
 * a few dozen. */
#define MAX_PAGES 32

typedef struct
{
  gint64 id;
  gint64 ikey;
  const char *skey; /* in keys, for a text sort key */
} Row;

typedef struct
{
  GList link; /* in lru; data is the page */
  guint index;
  guint n;
  Row rows[PAGE_SIZE];
} Page;

/* A row gone from the snapshot that the views are not told of yet: it
 * stands before the snapshot's row number @before. */
typedef struct
{
  Row row;
  guint before;
} Ghost;

/* The touched rows of a write as they were, then as they are. */
typedef struct
{
  GHashTable *touched; /* gint64* (into the change array) */
  GHashTable *changed; /* likewise: touched by a CHANGED */
  GHashTable *now;     /* gint64* -> Row*: touched ids the query matches */
  GArray *now_rows;    /* Row: backing store of now */
} Delta;

struct _PigeonMessageList
{
  GObject parent_instance;

  PigeonStore *store;
  PigeonListQuery *query;
  gboolean text_key;
  gboolean descending;
  GStringChunk *keys;
  GHashTable *cache; /* gint64* -> PigeonMessage (owned) */

  /* Held in memory */
  GArray *rows;

  /* Paged */
  gboolean paged;
  guint n_rows;      /* in the reader's snapshot */
  GHashTable *pages; /* page index -> Page (owned) */
  GQueue lru;        /* most recent first */
  Delta *prepared;   /* the touched rows before a write, until it is applied */
  /* While a write is announced, the list as announced so far: the snapshot
   * without the @hidden rows (positions, ascending) and with the @ghosts
   * (in list order). */
  gboolean announcing;
  GArray *ghosts;
  GArray *hidden;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PigeonMessageList,
                               pigeon_message_list,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_N_ITEMS,
  PROP_SORT_KEY,
  PROP_DESCENDING,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
delta_clear (Delta *delta)
{
  g_clear_pointer (&delta->touched, g_hash_table_unref);
  g_clear_pointer (&delta->changed, g_hash_table_unref);
  g_clear_pointer (&delta->now, g_hash_table_unref);
  g_clear_pointer (&delta->now_rows, g_array_unref);
}

static void
delta_free (Delta *delta)
{
  delta_clear (delta);
  g_free (delta);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Delta, delta_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Delta, delta_free)

static int
compare_rows (const Row *a, const Row *b, gboolean text_key, gboolean descending)
{
  int r;

  if (text_key)
    r = pigeon_db_collate (a->skey, b->skey);
  else
    r = a->ikey < b->ikey ? -1 : a->ikey > b->ikey;
  if (r == 0)
    r = a->id < b->id ? -1 : a->id > b->id;
  return descending ? -r : r;
}

static int
compare_for_list (gconstpointer a, gconstpointer b, gpointer user_data)
{
  PigeonMessageList *self = user_data;

  return compare_rows (a, b, self->text_key, self->descending);
}

static Row
row_from_stmt (PigeonMessageList *self, sqlite3_stmt *stmt)
{
  Row row = { sqlite3_column_int64 (stmt, 0), 0, NULL };

  if (self->text_key)
    row.skey = g_string_chunk_insert_const (self->keys, pigeon_db_text (stmt, 1));
  else
    row.ikey = sqlite3_column_int64 (stmt, 1);
  return row;
}

static void
bind_row (PigeonMessageList *self, sqlite3_stmt *stmt, const char *key, const char *id, const Row *row)
{
  if (self->text_key)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, key), row->skey, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, key), row->ikey);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, id), row->id);
}

/* A search that FTS5 cannot read says so as a query error. */
static gboolean
fail_query (PigeonMessageList *self, int rc, GError **error)
{
  pigeon_db_fail (pigeon_store_get_reader (self->store), rc, error);
  if (error && *error && (*error)->code == PIGEON_STORE_ERROR_SQLITE)
    (*error)->code = PIGEON_STORE_ERROR_BAD_QUERY;
  return FALSE;
}

static gboolean
load_all (PigeonMessageList *self, GError **error)
{
  sqlite3_stmt *stmt = pigeon_list_query_prepare_all (self->query, pigeon_store_get_reader (self->store), error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row = row_from_stmt (self, stmt);

      g_array_append_val (self->rows, row);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || fail_query (self, rc, error);
}

static gboolean
count_rows (PigeonMessageList *self, GError **error)
{
  sqlite3_stmt *stmt = pigeon_list_query_prepare_total (self->query, pigeon_store_get_reader (self->store), error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  /* A folder gone meanwhile has no rows. */
  self->n_rows = rc == SQLITE_ROW ? (guint) MAX (sqlite3_column_int64 (stmt, 0), 0) : 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || fail_query (self, rc, error);
}

PigeonMessageList *
pigeon_message_list_new (PigeonStore *store, PigeonListQuery *query, GError **error)
{
  g_autoptr (PigeonMessageList) self = g_object_new (PIGEON_TYPE_MESSAGE_LIST, NULL);

  self->store = g_object_ref (store);
  self->query = query;
  self->text_key = pigeon_list_query_has_text_key (query);
  self->descending = pigeon_list_query_get_descending (query);
  self->paged = pigeon_list_query_is_indexed (query);
  if (!(self->paged ? count_rows (self, error) : load_all (self, error)))
    return NULL;
  pigeon_store_add_list (store, self);
  return g_steal_pointer (&self);
}

static void
pigeon_message_list_dispose (GObject *object)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (object);

  if (self->store != NULL)
    pigeon_store_remove_list (self->store, self);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->prepared, delta_free);
  g_clear_pointer (&self->query, pigeon_list_query_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (pigeon_message_list_parent_class)->dispose (object);
}

static void
pigeon_message_list_finalize (GObject *object)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (object);

  g_array_unref (self->rows);
  g_hash_table_unref (self->pages);
  g_array_unref (self->ghosts);
  g_array_unref (self->hidden);
  g_string_chunk_free (self->keys);

  G_OBJECT_CLASS (pigeon_message_list_parent_class)->finalize (object);
}

static guint
n_items (PigeonMessageList *self)
{
  if (!self->paged)
    return self->rows->len;
  if (self->announcing)
    return self->n_rows - self->hidden->len + self->ghosts->len;
  return self->n_rows;
}

static void
pigeon_message_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, n_items (self));
      break;
    case PROP_SORT_KEY:
      g_value_set_enum (value, pigeon_message_list_get_sort_key (self));
      break;
    case PROP_DESCENDING:
      g_value_set_boolean (value, self->descending);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, FALSE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_message_list_class_init (PigeonMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = pigeon_message_list_dispose;
  object_class->finalize = pigeon_message_list_finalize;
  object_class->get_property = pigeon_message_list_get_property;

  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SORT_KEY] = g_param_spec_enum ("sort-key", NULL, NULL, PIGEON_TYPE_SORT_KEY, PIGEON_SORT_DATE, flags);
  properties[PROP_DESCENDING] = g_param_spec_boolean ("descending", NULL, NULL, FALSE, flags);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pigeon_message_list_init (PigeonMessageList *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  self->keys = g_string_chunk_new (4096);
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->ghosts = g_array_new (FALSE, FALSE, sizeof (Ghost));
  self->hidden = g_array_new (FALSE, FALSE, sizeof (guint));
}

/* Pages of a paged list */

/* Fills @page with up to @want rows: the statement gives them in list
 * order, or in reverse (then they fill the page from its end). */
static void
fill_page (PigeonMessageList *self, Page *page, sqlite3_stmt *stmt, gboolean reverse, guint want)
{
  guint n = 0;

  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), want);
  while (n < want && sqlite3_step (stmt) == SQLITE_ROW)
    {
      page->rows[reverse ? want - 1 - n : n] = row_from_stmt (self, stmt);
      n++;
    }
  sqlite3_reset (stmt);
  /* Fewer rows than counted: another process wrote to the file. */
  if (reverse && n < want)
    memmove (page->rows, page->rows + (want - n), n * sizeof (Row));
  page->n = n;
}

/* Reads a page after the page before it, before the page after it, or by
 * offset from the nearer end of the list. */
static void
read_page (PigeonMessageList *self, Page *page)
{
  PigeonDb *db = pigeon_store_get_reader (self->store);
  guint start = page->index * PAGE_SIZE;
  guint want = MIN (PAGE_SIZE, self->n_rows - start);
  Page *previous = page->index > 0 ? g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page->index - 1)) : NULL;
  Page *next = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page->index + 1));
  gboolean reverse = FALSE;
  guint offset = 0;
  sqlite3_stmt *stmt;

  if (previous != NULL && previous->n == PAGE_SIZE)
    {
      stmt = pigeon_list_query_prepare_page (self->query, db, FALSE, TRUE, NULL);
      if (stmt != NULL)
        bind_row (self, stmt, ":key", ":id", &previous->rows[PAGE_SIZE - 1]);
    }
  else if (next != NULL && next->n > 0 && want == PAGE_SIZE)
    {
      reverse = TRUE;
      stmt = pigeon_list_query_prepare_page (self->query, db, TRUE, TRUE, NULL);
      if (stmt != NULL)
        bind_row (self, stmt, ":key", ":id", &next->rows[0]);
    }
  else
    {
      reverse = start > self->n_rows - start - want;
      offset = reverse ? self->n_rows - start - want : start;
      stmt = pigeon_list_query_prepare_page (self->query, db, reverse, FALSE, NULL);
    }
  page->n = 0;
  if (stmt == NULL)
    return;
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":offset"), offset);
  fill_page (self, page, stmt, reverse, want);
}

static Page *
get_page (PigeonMessageList *self, guint index)
{
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  if (page != NULL)
    {
      g_queue_unlink (&self->lru, &page->link);
      g_queue_push_head_link (&self->lru, &page->link);
      return page;
    }
  if (self->lru.length >= MAX_PAGES)
    {
      Page *oldest = g_queue_pop_tail_link (&self->lru)->data;

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->index));
    }
  page = g_new0 (Page, 1);
  page->link.data = page;
  page->index = index;
  read_page (self, page);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head_link (&self->lru, &page->link);
  return page;
}

static void
drop_pages (PigeonMessageList *self)
{
  g_queue_init (&self->lru);
  g_hash_table_remove_all (self->pages);
}

/* Where @position of the list as announced so far is: a ghost (returned),
 * or the snapshot's row *@index. */
static const Ghost *
locate (PigeonMessageList *self, guint position, guint *index)
{
  guint t = 0, i = 0, g = 0, h = 0;

  for (;;)
    {
      guint ghost = g < self->ghosts->len ? g_array_index (self->ghosts, Ghost, g).before : G_MAXUINT;
      guint hidden = h < self->hidden->len ? g_array_index (self->hidden, guint, h) : G_MAXUINT;
      guint stop = MIN (ghost, hidden);

      if (stop == G_MAXUINT || position - i < stop - t)
        {
          *index = t + (position - i);
          return NULL;
        }
      i += stop - t;
      t = stop;
      if (ghost <= hidden)
        {
          if (i == position)
            return &g_array_index (self->ghosts, Ghost, g);
          i++;
          g++;
        }
      else
        {
          t++;
          h++;
        }
    }
}

static gboolean
row_at (PigeonMessageList *self, guint position, Row *row)
{
  const Ghost *ghost = NULL;
  guint index = position;
  Page *page;

  if (position >= n_items (self))
    return FALSE;
  if (!self->paged)
    {
      *row = g_array_index (self->rows, Row, position);
      return TRUE;
    }
  if (self->announcing)
    ghost = locate (self, position, &index);
  if (ghost != NULL)
    {
      *row = ghost->row;
      return TRUE;
    }
  /* Counts that disagree: another process wrote to the file. */
  if (index >= self->n_rows)
    return FALSE;
  page = get_page (self, index / PAGE_SIZE);
  if (index % PAGE_SIZE >= page->n)
    return FALSE;
  *row = page->rows[index % PAGE_SIZE];
  return TRUE;
}

/* GListModel */

static GType
list_get_item_type (GListModel *model)
{
  return PIGEON_TYPE_MESSAGE;
}

static guint
list_get_n_items (GListModel *model)
{
  return n_items (PIGEON_MESSAGE_LIST (model));
}

#define SUMMARIES_BY_IDS \
  "SELECT " PIGEON_SUMMARY_COLUMNS " FROM messages WHERE id IN (SELECT value FROM json_each (?1))"

/* Builds the objects of the page around @position in one query. */
static void
fetch_objects (PigeonMessageList *self, guint position)
{
  guint start = position - position % PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, n_items (self));
  g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PAGE_SIZE);
  g_autofree char *json = NULL;
  sqlite3_stmt *stmt;
  Row row;

  if (g_hash_table_size (self->cache) + PAGE_SIZE > CACHE_LIMIT)
    g_hash_table_remove_all (self->cache);
  for (guint i = start; i < end; i++)
    if (row_at (self, i, &row) && !g_hash_table_contains (self->cache, &row.id))
      g_array_append_val (ids, row.id);
  json = pigeon_db_ids_json ((const gint64 *) ids->data, ids->len);
  stmt = pigeon_db_prepare (pigeon_store_get_reader (self->store), SUMMARIES_BY_IDS, NULL);
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      PigeonMessage *message = pigeon_store_ensure_message (self->store, stmt);
      gint64 id = pigeon_message_get_id (message);

      g_hash_table_insert (self->cache, g_memdup2 (&id, sizeof id), message);
    }
  sqlite3_reset (stmt);
}

static gpointer
list_get_item (GListModel *model, guint position)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (model);
  PigeonMessage *message;
  Row row = { 0 };

  if (position >= n_items (self))
    return NULL;
  if (!row_at (self, position, &row))
    return pigeon_message_new_placeholder (0);
  message = g_hash_table_lookup (self->cache, &row.id);
  if (message == NULL)
    {
      fetch_objects (self, position);
      message = g_hash_table_lookup (self->cache, &row.id);
    }
  /* The row went from the database and its removal is on its way. */
  if (message == NULL)
    return pigeon_message_new_placeholder (row.id);
  return g_object_ref (message);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

PigeonSortKey
pigeon_message_list_get_sort_key (PigeonMessageList *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST (self), PIGEON_SORT_DATE);
  return self->query ? pigeon_list_query_get_sort (self->query) : PIGEON_SORT_DATE;
}

gboolean
pigeon_message_list_get_descending (PigeonMessageList *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST (self), FALSE);
  return self->descending;
}

gboolean
pigeon_message_list_is_loading (PigeonMessageList *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST (self), FALSE);
  return FALSE;
}

gint64
pigeon_message_list_get_message_id (PigeonMessageList *self, guint position)
{
  Row row;

  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST (self), 0);

  return row_at (self, position, &row) ? row.id : 0;
}

/* Applying a write. The list asks the database which of the touched ids it
 * shows now, compares with what it showed, and emits removals (from the
 * end), insertions (in order) and changes, each after the rows moved, so
 * that a handler reading the list always sees the state it was told of. */

static gboolean
collect_touched (PigeonMessageList *self, const PigeonChanges *changes, Delta *delta)
{
  delta->touched = g_hash_table_new (g_int64_hash, g_int64_equal);
  delta->changed = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < changes->messages->len; i++)
    {
      PigeonMessageChange *change = &g_array_index (changes->messages, PigeonMessageChange, i);

      if (!pigeon_list_query_concerns (self->query, change))
        continue;
      g_hash_table_add (delta->touched, &change->message_id);
      if (change->kind == PIGEON_CHANGE_CHANGED)
        g_hash_table_add (delta->changed, &change->message_id);
    }
  return g_hash_table_size (delta->touched) > 0;
}

/* Fills delta->now with the touched rows the query matches in the reader's
 * snapshot. */
static gboolean
query_now (PigeonMessageList *self, Delta *delta)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *json = NULL;
  GHashTableIter iter;
  gpointer key;
  sqlite3_stmt *stmt;

  g_hash_table_iter_init (&iter, delta->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  json = pigeon_db_ids_json ((const gint64 *) ids->data, ids->len);
  stmt = pigeon_list_query_prepare_some (self->query, pigeon_store_get_reader (self->store), json, NULL);
  if (stmt == NULL)
    return FALSE;
  delta->now_rows = g_array_new (FALSE, FALSE, sizeof (Row));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Row row = row_from_stmt (self, stmt);

      g_array_append_val (delta->now_rows, row);
    }
  sqlite3_reset (stmt);
  /* Filled after the array stopped growing: the pointers stay put. */
  delta->now = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < delta->now_rows->len; i++)
    g_hash_table_insert (delta->now, &g_array_index (delta->now_rows, Row, i).id,
                         &g_array_index (delta->now_rows, Row, i));
  return TRUE;
}

static void
emit (PigeonMessageList *self, guint position, guint removed, guint added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
row_stays (PigeonMessageList *self, const Row *row, Delta *delta)
{
  const Row *now = g_hash_table_lookup (delta->now, &row->id);

  if (now == NULL)
    return FALSE;
  /* A key that moved is a removal and an insertion. */
  if (compare_rows (row, now, self->text_key, FALSE) != 0)
    return FALSE;
  g_hash_table_remove (delta->now, &row->id);
  return TRUE;
}

/* Removes the touched rows that left the list, last run first. What stays
 * is dropped from delta->now, which keeps only the rows to insert. */
static void
apply_removals (PigeonMessageList *self, Delta *delta)
{
  g_autoptr (GArray) leaving = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      if (g_hash_table_contains (delta->touched, &row->id) && !row_stays (self, row, delta))
        g_array_append_val (leaving, i);
    }
  n = leaving->len;
  while (n > 0)
    {
      guint end = g_array_index (leaving, guint, n - 1) + 1;
      guint start = end - 1;

      for (n--; n > 0 && g_array_index (leaving, guint, n - 1) == start - 1; n--)
        start--;
      for (guint i = start; i < end; i++)
        g_hash_table_remove (self->cache, &g_array_index (self->rows, Row, i).id);
      g_array_remove_range (self->rows, start, end - start);
      emit (self, start, end - start, 0);
    }
}

static guint
lower_bound (PigeonMessageList *self, const Row *row)
{
  guint lo = 0, hi = self->rows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_rows (&g_array_index (self->rows, Row, mid), row, self->text_key, self->descending) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static int
compare_row_pointers (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return compare_for_list (*(Row *const *) a, *(Row *const *) b, user_data);
}

/* Inserts the new rows in order; rows that fall in one gap go in as one run. */
static void
apply_insertions (PigeonMessageList *self, Delta *delta)
{
  g_autoptr (GPtrArray) added = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint i = 0;

  g_hash_table_iter_init (&iter, delta->now);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (added, value);
  g_ptr_array_sort_with_data (added, compare_row_pointers, self);
  while (i < added->len)
    {
      guint position = lower_bound (self, added->pdata[i]);
      guint j = i + 1;

      while (j < added->len && lower_bound (self, added->pdata[j]) == position)
        j++;
      for (guint k = i; k < j; k++)
        g_array_insert_val (self->rows, position + (k - i), *(Row *) added->pdata[k]);
      emit (self, position, 0, j - i);
      i = j;
    }
}

/* A message whose flags or thread changed, still shown: the view rebinds it. */
static void
apply_updates (PigeonMessageList *self, Delta *delta)
{
  if (g_hash_table_size (delta->changed) == 0)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    if (g_hash_table_contains (delta->changed, &g_array_index (self->rows, Row, i).id))
      emit (self, i, 1, 1);
}

/* Inserted rows are new to the view: they need no update too. */
static void
forget_insertions (Delta *delta)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, delta->now);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_remove (delta->changed, key);
}

static void
apply_in_memory (PigeonMessageList *self, const PigeonChanges *changes)
{
  g_auto (Delta) delta = { NULL };

  if (!collect_touched (self, changes, &delta) || !query_now (self, &delta))
    return;
  apply_removals (self, &delta);
  forget_insertions (&delta);
  apply_insertions (self, &delta);
  apply_updates (self, &delta);
}

void
pigeon_message_list_prepare (PigeonMessageList *self, const PigeonChanges *changes)
{
  g_auto (Delta) delta = { NULL };

  if (!self->paged || self->store == NULL)
    return;
  g_clear_pointer (&self->prepared, delta_free);
  if (!collect_touched (self, changes, &delta) || !query_now (self, &delta))
    return;
  self->prepared = g_memdup2 (&delta, sizeof delta);
  memset (&delta, 0, sizeof delta);
}

/* A paged list's write: what changed, in list order. */
typedef struct
{
  GArray *removed;  /* Row, as they were */
  GArray *inserted; /* Row */
  GArray *updated;  /* Row */
} Moves;

static void
moves_clear (Moves *moves)
{
  g_clear_pointer (&moves->removed, g_array_unref);
  g_clear_pointer (&moves->inserted, g_array_unref);
  g_clear_pointer (&moves->updated, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Moves, moves_clear)

static void
find_moves (PigeonMessageList *self, Delta *before, Delta *after, Moves *moves)
{
  GHashTableIter iter;
  gpointer key, value;

  moves->removed = g_array_new (FALSE, FALSE, sizeof (Row));
  moves->inserted = g_array_new (FALSE, FALSE, sizeof (Row));
  moves->updated = g_array_new (FALSE, FALSE, sizeof (Row));
  for (guint i = 0; i < before->now_rows->len; i++)
    {
      const Row *was = &g_array_index (before->now_rows, Row, i);
      const Row *now = g_hash_table_lookup (after->now, &was->id);

      if (now == NULL || compare_rows (was, now, self->text_key, FALSE) != 0)
        g_array_append_val (moves->removed, *was);
      else if (g_hash_table_contains (before->changed, &was->id))
        g_array_append_val (moves->updated, *now);
    }
  g_hash_table_iter_init (&iter, after->now);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Row *was = g_hash_table_lookup (before->now, key);

      if (was == NULL || compare_rows (was, value, self->text_key, FALSE) != 0)
        g_array_append_val (moves->inserted, *(Row *) value);
    }
  g_array_sort_with_data (moves->removed, compare_for_list, self);
  g_array_sort_with_data (moves->inserted, compare_for_list, self);
  g_array_sort_with_data (moves->updated, compare_for_list, self);
}

/* For each of @rows (in list order), the number of rows of the snapshot
 * before it: one count from the previous row on, so that the index is read
 * once up to the last row, however many rows there are. */
static guint *
count_before (PigeonMessageList *self, GArray *rows)
{
  PigeonDb *db = pigeon_store_get_reader (self->store);
  guint *counts = g_new0 (guint, rows->len + 1);
  guint total = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      sqlite3_stmt *stmt = pigeon_list_query_prepare_count (self->query, db, i > 0, NULL);

      if (stmt == NULL)
        break;
      bind_row (self, stmt, ":key", ":id", &g_array_index (rows, Row, i));
      if (i > 0)
        bind_row (self, stmt, ":key_from", ":id_from", &g_array_index (rows, Row, i - 1));
      if (sqlite3_step (stmt) == SQLITE_ROW)
        total += sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      counts[i] = total;
    }
  return counts;
}

/* The removed rows become ghosts at their place in the snapshot, and the
 * inserted rows are hidden: the list reads as it was before the write. */
static void
start_announcing (PigeonMessageList *self, Moves *moves)
{
  g_autofree guint *removed_before = count_before (self, moves->removed);
  g_autofree guint *inserted_at = count_before (self, moves->inserted);

  g_array_set_size (self->ghosts, 0);
  g_array_set_size (self->hidden, 0);
  for (guint i = 0; i < moves->removed->len; i++)
    {
      Ghost ghost = { g_array_index (moves->removed, Row, i), removed_before[i] };

      g_array_append_val (self->ghosts, ghost);
    }
  g_array_append_vals (self->hidden, inserted_at, moves->inserted->len);
  self->n_rows = self->n_rows + moves->inserted->len - moves->removed->len;
  self->announcing = TRUE;
  drop_pages (self);
}

/* Where ghost @i stands in the list before the write: the rows of the
 * snapshot before it, less the inserted ones, plus the ghosts before it. */
static guint
ghost_position (PigeonMessageList *self, guint i)
{
  const Ghost *ghost = &g_array_index (self->ghosts, Ghost, i);
  guint hidden_before = 0;

  while (hidden_before < self->hidden->len && g_array_index (self->hidden, guint, hidden_before) < ghost->before)
    hidden_before++;
  return ghost->before - hidden_before + i;
}

/* Removals, last run first: the positions before a run stay put. */
static void
announce_removals (PigeonMessageList *self)
{
  while (self->ghosts->len > 0)
    {
      guint end = self->ghosts->len;
      guint start = end - 1;
      guint position = ghost_position (self, start);

      while (start > 0 && ghost_position (self, start - 1) == position - 1)
        start--, position--;
      for (guint i = start; i < end; i++)
        g_hash_table_remove (self->cache, &g_array_index (self->ghosts, Ghost, i).row.id);
      g_array_set_size (self->ghosts, start);
      emit (self, position, end - start, 0);
    }
}

/* Insertions, first run first: each goes to its place in the snapshot. */
static void
announce_insertions (PigeonMessageList *self)
{
  while (self->hidden->len > 0)
    {
      guint position = g_array_index (self->hidden, guint, 0);
      guint n = 1;

      while (n < self->hidden->len && g_array_index (self->hidden, guint, n) == position + n)
        n++;
      g_array_remove_range (self->hidden, 0, n);
      emit (self, position, 0, n);
    }
  self->announcing = FALSE;
}

static void
apply_paged (PigeonMessageList *self, const PigeonChanges *changes)
{
  g_autoptr (Delta) before = g_steal_pointer (&self->prepared);
  g_auto (Delta) after = { NULL };
  g_auto (Moves) moves = { NULL };
  g_autofree guint *updated_at = NULL;

  /* Made after the write: it shows it already. */
  if (before == NULL)
    return;
  after.touched = g_hash_table_ref (before->touched);
  if (!query_now (self, &after))
    return;
  find_moves (self, before, &after, &moves);
  if (moves.removed->len > 0 || moves.inserted->len > 0)
    {
      start_announcing (self, &moves);
      announce_removals (self);
      announce_insertions (self);
    }
  updated_at = count_before (self, moves.updated);
  for (guint i = 0; i < moves.updated->len; i++)
    emit (self, updated_at[i], 1, 1);
}

void
pigeon_message_list_apply (PigeonMessageList *self, const PigeonChanges *changes)
{
  if (self->store == NULL)
    return;
  if (self->paged)
    apply_paged (self, changes);
  else
    apply_in_memory (self, changes);
}
