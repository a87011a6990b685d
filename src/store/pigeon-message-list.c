/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

/* Rows are fetched as message objects a page at a time. */
#define PAGE_SIZE 64
/* Objects kept beyond what the views hold themselves. */
#define CACHE_LIMIT (8 * PAGE_SIZE)
/* A list read from an index shows this many rows at once; the rest is read
 * in a thread and announced as one insertion at the end. */
#define FIRST_WINDOW 256

/* One row of the list: the message and its sort key, 24 bytes: a folder of
 * 100,000 messages costs 2.4 MB here, and no objects until they are shown. */
typedef struct
{
  gint64 id;
  gint64 ikey;
  const char *skey; /* in keys, for a text sort key */
} Row;

struct _PigeonMessageList
{
  GObject parent_instance;

  PigeonStore *store;
  PigeonListQuery *query;
  gboolean text_key;
  gboolean descending;
  GArray *rows;
  GPtrArray *keys;   /* GStringChunk: this thread's, then each tail's */
  GHashTable *cache; /* gint64* -> PigeonMessage (owned) */

  /* While the tail is read, the list shows the rows up to @boundary and
   * remembers every id a write touched, to ask for them again after. */
  gboolean loading;
  Row boundary;
  GHashTable *touched_while_loading; /* gint64* (owned) */
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

static Row
read_row (sqlite3_stmt *stmt, gboolean text_key, GStringChunk *keys)
{
  Row row = { sqlite3_column_int64 (stmt, 0), 0, NULL };

  if (text_key)
    row.skey = g_string_chunk_insert_const (keys, pigeon_db_text (stmt, 1));
  else
    row.ikey = sqlite3_column_int64 (stmt, 1);
  return row;
}

static Row
row_from_stmt (PigeonMessageList *self, sqlite3_stmt *stmt)
{
  return read_row (stmt, self->text_key, self->keys->pdata[0]);
}

static void load_tail (PigeonMessageList *self);

static gboolean
load (PigeonMessageList *self, GError **error)
{
  PigeonDb *db = pigeon_store_get_reader (self->store);
  gboolean windowed = pigeon_list_query_is_indexed (self->query);
  sqlite3_stmt *stmt = windowed ? pigeon_list_query_prepare_first (self->query, db, FIRST_WINDOW, error)
                                : pigeon_list_query_prepare_all (self->query, db, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row = row_from_stmt (self, stmt);

      g_array_append_val (self->rows, row);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE && windowed && self->rows->len == FIRST_WINDOW)
    load_tail (self);
  if (rc == SQLITE_DONE)
    return TRUE;
  pigeon_db_fail (db, rc, error);
  /* A search that FTS5 cannot read says so as a query error. */
  if (error && *error && (*error)->code == PIGEON_STORE_ERROR_SQLITE)
    (*error)->code = PIGEON_STORE_ERROR_BAD_QUERY;
  return FALSE;
}

PigeonMessageList *
pigeon_message_list_new (PigeonStore *store, PigeonListQuery *query, GError **error)
{
  g_autoptr (PigeonMessageList) self = g_object_new (PIGEON_TYPE_MESSAGE_LIST, NULL);

  self->store = g_object_ref (store);
  self->query = query;
  self->text_key = pigeon_list_query_has_text_key (query);
  self->descending = pigeon_list_query_get_descending (query);
  if (!load (self, error))
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
  g_clear_pointer (&self->query, pigeon_list_query_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (pigeon_message_list_parent_class)->dispose (object);
}

static void
pigeon_message_list_finalize (GObject *object)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (object);

  g_array_unref (self->rows);
  g_ptr_array_unref (self->keys);
  g_clear_pointer (&self->touched_while_loading, g_hash_table_unref);

  G_OBJECT_CLASS (pigeon_message_list_parent_class)->finalize (object);
}

static void
pigeon_message_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;
    case PROP_SORT_KEY:
      g_value_set_enum (value, pigeon_message_list_get_sort_key (self));
      break;
    case PROP_DESCENDING:
      g_value_set_boolean (value, self->descending);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
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
  self->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_string_chunk_free);
  g_ptr_array_add (self->keys, g_string_chunk_new (4096));
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
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
  return PIGEON_MESSAGE_LIST (model)->rows->len;
}

#define SUMMARIES_BY_IDS \
  "SELECT " PIGEON_SUMMARY_COLUMNS " FROM messages WHERE id IN (SELECT value FROM json_each (?1))"

/* Builds the objects of the page around @position in one query. */
static void
fetch_page (PigeonMessageList *self, guint position)
{
  guint start = position - position % PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->rows->len);
  g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PAGE_SIZE);
  g_autofree char *json = NULL;
  sqlite3_stmt *stmt;

  if (g_hash_table_size (self->cache) + PAGE_SIZE > CACHE_LIMIT)
    g_hash_table_remove_all (self->cache);
  for (guint i = start; i < end; i++)
    if (!g_hash_table_contains (self->cache, &g_array_index (self->rows, Row, i).id))
      g_array_append_val (ids, g_array_index (self->rows, Row, i).id);
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
  gint64 id;

  if (position >= self->rows->len)
    return NULL;
  id = g_array_index (self->rows, Row, position).id;
  message = g_hash_table_lookup (self->cache, &id);
  if (message == NULL)
    {
      fetch_page (self, position);
      message = g_hash_table_lookup (self->cache, &id);
    }
  /* The row went from the database and its removal is on its way. */
  if (message == NULL)
    return pigeon_message_new_placeholder (id);
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
  return self->loading;
}

gint64
pigeon_message_list_get_message_id (PigeonMessageList *self, guint position)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST (self), 0);

  if (position >= self->rows->len)
    return 0;
  return g_array_index (self->rows, Row, position).id;
}

/* Applying a write. The list asks the database which of the touched ids it
 * shows now, compares with what it shows, and emits removals (from the
 * end), insertions (in order) and changes, each after the rows moved, so
 * that a handler reading the list always sees the state it was told of. */

typedef struct
{
  GHashTable *touched; /* gint64* (into the change array) */
  GHashTable *changed; /* likewise: touched by a CHANGED */
  GHashTable *now;     /* gint64* -> Row*: touched ids the query matches now */
  GArray *now_rows;    /* Row: backing store of now */
} Delta;

static void
delta_clear (Delta *delta)
{
  g_clear_pointer (&delta->touched, g_hash_table_unref);
  g_clear_pointer (&delta->changed, g_hash_table_unref);
  g_clear_pointer (&delta->now, g_hash_table_unref);
  g_clear_pointer (&delta->now_rows, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Delta, delta_clear)

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

      /* Rows past the boundary come with the tail. */
      if (!self->loading || compare_rows (&row, &self->boundary, self->text_key, self->descending) <= 0)
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
compare_for_list (gconstpointer a, gconstpointer b, gpointer user_data)
{
  PigeonMessageList *self = user_data;

  return compare_rows (*(Row *const *) a, *(Row *const *) b, self->text_key, self->descending);
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
  g_ptr_array_sort_with_data (added, compare_for_list, self);
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

static void remember_touched (PigeonMessageList *self, GHashTable *touched);

void
pigeon_message_list_apply (PigeonMessageList *self, const PigeonChanges *changes)
{
  g_auto (Delta) delta = { NULL };

  if (!collect_touched (self, changes, &delta))
    return;
  if (self->loading)
    remember_touched (self, delta.touched);
  if (!query_now (self, &delta))
    return;
  apply_removals (self, &delta);
  forget_insertions (&delta);
  apply_insertions (self, &delta);
  apply_updates (self, &delta);
}

/* The tail: the rows after the first window, read on a connection of its
 * own in a thread. Its snapshot may be older or newer than the writes the
 * list has applied meanwhile; the ids those writes touched are asked for
 * again once the tail is in, which settles both cases (a write committed
 * after the snapshot and not yet applied is applied when it arrives). */

typedef struct
{
  PigeonStore *store; /* the list's: it outlives the task */
  char *sql;
  PigeonListQuery *query; /* the list's: read only */
  gboolean text_key;
  Row after;
  GArray *rows;
  GStringChunk *keys;
} Tail;

static void
tail_free (Tail *tail)
{
  g_free (tail->sql);
  g_clear_pointer (&tail->rows, g_array_unref);
  if (tail->keys != NULL)
    g_string_chunk_free (tail->keys);
  g_free (tail);
}

static void
remember_touched (PigeonMessageList *self, GHashTable *touched)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->touched_while_loading, key))
      g_hash_table_add (self->touched_while_loading, g_memdup2 (key, sizeof (gint64)));
}

static gboolean
read_tail_rows (PigeonDb *db, Tail *tail, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (pigeon_db_handle (db), tail->sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return pigeon_db_fail (db, rc, error);
  pigeon_list_query_bind (tail->query, stmt);
  if (tail->text_key)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":key"), tail->after.skey, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":key"), tail->after.ikey);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":id"), tail->after.id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row = read_row (stmt, tail->text_key, tail->keys);

      g_array_append_val (tail->rows, row);
    }
  if (rc != SQLITE_DONE)
    pigeon_db_fail (db, rc, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static void
read_tail (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Tail *tail = task_data;
  g_autoptr (GError) error = NULL;
  PigeonDb *db = pigeon_store_lock_loader (tail->store, &error);
  gboolean ok = db != NULL && read_tail_rows (db, tail, &error);

  if (db != NULL)
    pigeon_store_unlock_loader (tail->store);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Asks again for the ids touched while the tail was read. */
static void
settle_touched (PigeonMessageList *self)
{
  g_auto (Delta) delta = { NULL };

  if (g_hash_table_size (self->touched_while_loading) == 0)
    return;
  delta.touched = g_hash_table_ref (self->touched_while_loading);
  delta.changed = g_hash_table_new (g_int64_hash, g_int64_equal);
  if (!query_now (self, &delta))
    return;
  apply_removals (self, &delta);
  apply_insertions (self, &delta);
}

static void
tail_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PigeonMessageList *self = PIGEON_MESSAGE_LIST (source);
  Tail *tail = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  guint position = self->rows->len;

  self->loading = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_ptr_array_add (self->keys, g_steal_pointer (&tail->keys));
      g_array_append_vals (self->rows, tail->rows->data, tail->rows->len);
      if (tail->rows->len > 0)
        emit (self, position, 0, tail->rows->len);
    }
  else
    g_warning ("Cannot read the rest of a message list: %s", error->message);
  settle_touched (self);
  g_clear_pointer (&self->touched_while_loading, g_hash_table_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_tail (PigeonMessageList *self)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, tail_loaded, NULL);
  Tail *tail = g_new0 (Tail, 1);

  self->loading = TRUE;
  self->boundary = g_array_index (self->rows, Row, self->rows->len - 1);
  self->touched_while_loading = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  tail->store = self->store;
  tail->sql = pigeon_list_query_sql_after (self->query);
  tail->query = self->query;
  tail->text_key = self->text_key;
  tail->after = self->boundary;
  tail->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  tail->keys = g_string_chunk_new (4096);
  g_task_set_source_tag (task, load_tail);
  g_task_set_task_data (task, tail, (GDestroyNotify) tail_free);
  g_task_run_in_thread (task, read_tail);
}
