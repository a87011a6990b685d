/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pigeon-store-private.h"

struct _PigeonStore
{
  GObject parent_instance;

  char *path;
  char *marker_path;
  char *notice;
  GMainContext *context;
  /* The main thread's connection. It reads one snapshot, which moves on
   * only when the main context takes in the writes committed since
   * (sync_reader()): what the lists count and page is always the state
   * they announced. */
  PigeonDb *reader;
  /* Held by the writer around each COMMIT and by sync_reader(): a new
   * snapshot holds exactly the writes in @committed. */
  GMutex commit_lock;
  GPtrArray *committed; /* WriteJob, committed and not yet taken in */
  int wal_frames;       /* the WAL's length after the last commit (atomic) */
  gboolean checkpoint_queued;
  gboolean syncing; /* in sync_reader() */
  gboolean sync_again;
  GSource *checkpoint_source; /* set by the writer before it attaches it */

  /* The writer: one thread, one connection, one queue of WriteJob. */
  GThread *writer;
  PigeonDb *writer_db;
  GAsyncQueue *jobs;
  gboolean closed;

  GListStore *accounts;
  GHashTable *accounts_by_id; /* gint64* -> PigeonAccount (owned) */
  GHashTable *folders_by_id;  /* gint64* -> PigeonFolder (owned) */
  GHashTable *messages_by_id; /* gint64* -> PigeonMessage (weak) */
  GPtrArray *lists;           /* PigeonMessageList (weak) */
};

G_DEFINE_FINAL_TYPE (PigeonStore, pigeon_store, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_NOTICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  PigeonStore *store;
  PigeonWriteFunc func;
  gpointer data;
  GDestroyNotify destroy;
  PigeonWriteFlags flags;
  GTask *task;
  PigeonChanges changes;
  GError *error;
} WriteJob;

/* The WAL length (in pages) from which the writer copies it back, as
 * SQLite's automatic checkpoint does by default. */
#define CHECKPOINT_FRAMES 1000

/* Pushed to the queue to stop the writer after the jobs before it. */
static WriteJob stop_job;
/* Pushed to the queue for a checkpoint (queue_checkpoint()). */
static WriteJob checkpoint_job;

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

void
pigeon_changes_init (PigeonChanges *changes)
{
  changes->messages = g_array_new (FALSE, FALSE, sizeof (PigeonMessageChange));
  changes->folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  changes->accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  changes->new_id = 0;
}

void
pigeon_changes_clear (PigeonChanges *changes)
{
  g_clear_pointer (&changes->messages, g_array_unref);
  g_clear_pointer (&changes->folders, g_hash_table_unref);
  g_clear_pointer (&changes->accounts, g_hash_table_unref);
}

void
pigeon_changes_add_message (PigeonChanges *changes, gint64 message_id, gint64 folder_id, PigeonChangeKind kind)
{
  PigeonMessageChange change = { message_id, folder_id, kind };

  g_array_append_val (changes->messages, change);
  if (folder_id != 0)
    pigeon_changes_add_folder (changes, folder_id);
}

void
pigeon_changes_add_folder (PigeonChanges *changes, gint64 folder_id)
{
  g_hash_table_add (changes->folders, id_key (folder_id));
}

void
pigeon_changes_add_account (PigeonChanges *changes, gint64 account_id)
{
  g_hash_table_add (changes->accounts, id_key (account_id));
}

gboolean
pigeon_changes_add_folders_of (PigeonChanges *changes, PigeonDb *db, gint64 message_id, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT folder_id FROM message_locations WHERE message_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    pigeon_changes_add_folder (changes, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || pigeon_db_fail (db, rc, error);
}

static void
write_job_free (WriteJob *job)
{
  if (job->destroy)
    job->destroy (job->data);
  pigeon_changes_clear (&job->changes);
  g_clear_error (&job->error);
  g_clear_object (&job->task);
  g_free (job);
}

/* Runs on the writer thread. */
static gboolean
run_in_transaction (PigeonDb *db, WriteJob *job)
{
  gboolean durable = (job->flags & PIGEON_WRITE_DURABLE) != 0;
  gboolean ok;

  if (durable && !pigeon_db_exec (db, "PRAGMA synchronous = FULL", &job->error))
    return FALSE;
  ok = pigeon_db_exec (db, "BEGIN IMMEDIATE", &job->error) && job->func (db, job->data, &job->changes, &job->error);
  if (ok)
    {
      g_mutex_lock (&job->store->commit_lock);
      ok = pigeon_db_exec (db, "COMMIT", &job->error);
      if (ok)
        g_ptr_array_add (job->store->committed, job);
      g_mutex_unlock (&job->store->commit_lock);
    }
  if (!ok && sqlite3_get_autocommit (pigeon_db_handle (db)) == 0)
    pigeon_db_exec (db, "ROLLBACK", NULL);
  if (durable)
    pigeon_db_exec (db, "PRAGMA synchronous = NORMAL", ok ? &job->error : NULL);
  return ok && job->error == NULL;
}

static void
set_notice (PigeonStore *self, const char *notice)
{
  if (g_strcmp0 (self->notice, notice) == 0)
    return;
  g_free (self->notice);
  self->notice = g_strdup (notice);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

static void sync_reader (PigeonStore *self);

/* Back on the main context: the views see the changes before the caller's
 * callback runs. */
static gboolean
deliver_job (gpointer user_data)
{
  WriteJob *job = user_data;

  sync_reader (job->store);
  if (job->error == NULL)
    g_task_return_pointer (job->task, g_memdup2 (&job->changes.new_id, sizeof (gint64)), g_free);
  else
    {
      if (g_error_matches (job->error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_CORRUPT))
        set_notice (job->store, _ ("Pigeon’s mail cache is damaged. Quit and start Pigeon again to rebuild it."));
      g_task_return_error (job->task, g_steal_pointer (&job->error));
    }
  write_job_free (job);
  return G_SOURCE_REMOVE;
}

/* After a checkpoint, a new snapshot lets the next write start the WAL from
 * its beginning again. */
static gboolean
deliver_checkpoint (gpointer user_data)
{
  PigeonStore *self = user_data;

  g_clear_pointer (&self->checkpoint_source, g_source_unref);
  self->checkpoint_queued = FALSE;
  sync_reader (self);
  return G_SOURCE_REMOVE;
}

/* SQLite's own automatic checkpoint would run inside COMMIT, under the
 * commit lock that the main thread waits on: the writer runs it after. */
static int
on_wal_commit (void *user_data, sqlite3 *db, const char *name, int n_frames)
{
  PigeonStore *self = user_data;

  g_atomic_int_set (&self->wal_frames, n_frames);
  return SQLITE_OK;
}

/* Copies the WAL into the database file as far as the readers allow. */
static void
checkpoint (PigeonStore *self)
{
  int log = 0, copied = 0;

  if (sqlite3_wal_checkpoint_v2 (pigeon_db_handle (self->writer_db), NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) ==
          SQLITE_OK &&
      copied == log)
    g_atomic_int_set (&self->wal_frames, 0);
}

/* An idle source, never g_main_context_invoke(): that may run the callback
 * right here when the main context is free. */
static GSource *
idle_source (GSourceFunc func, gpointer data)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, data, NULL);
  return source;
}

static gpointer
writer_main (gpointer user_data)
{
  PigeonStore *self = user_data;
  WriteJob *job;

  while ((job = g_async_queue_pop (self->jobs)) != &stop_job)
    {
      g_autoptr (GSource) source = NULL;

      if (job == &checkpoint_job)
        {
          checkpoint (self);
          /* Kept before it runs: closing the store destroys it. */
          self->checkpoint_source = idle_source (deliver_checkpoint, self);
          g_source_attach (self->checkpoint_source, self->context);
          continue;
        }
      if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (job->task), &job->error))
        run_in_transaction (self->writer_db, job);
      if (g_atomic_int_get (&self->wal_frames) >= CHECKPOINT_FRAMES)
        checkpoint (self);
      source = idle_source (deliver_job, job);
      g_source_attach (source, self->context);
    }
  return NULL;
}

/* Asked for once the reader has moved past a long WAL: the checkpoint can
 * then copy all of it. */
static void
queue_checkpoint (PigeonStore *self)
{
  if (self->closed || self->checkpoint_queued)
    return;
  self->checkpoint_queued = TRUE;
  g_async_queue_push (self->jobs, &checkpoint_job);
}

void
pigeon_store_write_async (PigeonStore *self,
                          PigeonWriteFunc func,
                          gpointer data,
                          GDestroyNotify destroy,
                          PigeonWriteFlags flags,
                          gpointer source_tag,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  WriteJob *job = g_new0 (WriteJob, 1);

  job->store = self;
  job->func = func;
  job->data = data;
  job->destroy = destroy;
  job->flags = flags;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  pigeon_changes_init (&job->changes);
  if (self->closed)
    {
      g_task_return_new_error (job->task, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_CLOSED, "The store is closed");
      write_job_free (job);
      return;
    }
  g_async_queue_push (self->jobs, job);
}

gboolean
pigeon_store_write_finish (PigeonStore *self, GAsyncResult *result, gint64 *out_id, GError **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (PIGEON_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  id = g_task_propagate_pointer (G_TASK (result), error);
  if (out_id)
    *out_id = id ? *id : 0;
  return id != NULL;
}

void
pigeon_store_close (PigeonStore *self)
{
  g_return_if_fail (PIGEON_IS_STORE (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  g_async_queue_push (self->jobs, &stop_job);
  g_thread_join (self->writer);
  self->writer = NULL;
  g_clear_pointer (&self->writer_db, pigeon_db_free);
  if (self->checkpoint_source != NULL)
    g_source_destroy (self->checkpoint_source);
  g_clear_pointer (&self->checkpoint_source, g_source_unref);
  /* A clean close: the next start need not check the file. */
  g_unlink (self->marker_path);
}

static void
forget_message (gpointer user_data, GObject *where_the_object_was)
{
  PigeonStore *self = user_data;
  gint64 id = pigeon_message_get_id ((PigeonMessage *) where_the_object_was);

  g_hash_table_remove (self->messages_by_id, &id);
}

static void
pigeon_store_dispose (GObject *object)
{
  PigeonStore *self = PIGEON_STORE (object);
  GHashTableIter iter;
  gpointer message;

  if (self->jobs != NULL)
    pigeon_store_close (self);
  g_hash_table_iter_init (&iter, self->messages_by_id);
  while (g_hash_table_iter_next (&iter, NULL, &message))
    g_object_weak_unref (message, forget_message, self);
  g_hash_table_remove_all (self->messages_by_id);
  g_hash_table_remove_all (self->folders_by_id);
  g_hash_table_remove_all (self->accounts_by_id);
  if (self->accounts)
    g_list_store_remove_all (self->accounts);

  G_OBJECT_CLASS (pigeon_store_parent_class)->dispose (object);
}

static void
pigeon_store_finalize (GObject *object)
{
  PigeonStore *self = PIGEON_STORE (object);

  g_clear_pointer (&self->jobs, g_async_queue_unref);
  /* Opened in a thread, never started: nobody called finish. */
  g_clear_pointer (&self->writer_db, pigeon_db_free);
  g_clear_pointer (&self->reader, pigeon_db_free);
  g_mutex_clear (&self->commit_lock);
  g_clear_pointer (&self->committed, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->messages_by_id, g_hash_table_unref);
  g_clear_pointer (&self->folders_by_id, g_hash_table_unref);
  g_clear_pointer (&self->accounts_by_id, g_hash_table_unref);
  g_clear_pointer (&self->lists, g_ptr_array_unref);
  g_clear_object (&self->accounts);
  g_free (self->path);
  g_free (self->marker_path);
  g_free (self->notice);

  G_OBJECT_CLASS (pigeon_store_parent_class)->finalize (object);
}

static void
pigeon_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonStore *self = PIGEON_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_NOTICE:
      g_value_set_string (value, self->notice);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_store_class_init (PigeonStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pigeon_store_dispose;
  object_class->finalize = pigeon_store_finalize;
  object_class->get_property = pigeon_store_get_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTICE] = g_param_spec_string ("notice", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pigeon_store_init (PigeonStore *self)
{
  self->accounts = g_list_store_new (PIGEON_TYPE_ACCOUNT);
  self->accounts_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->folders_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->messages_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->lists = g_ptr_array_new ();
  g_mutex_init (&self->commit_lock);
  self->committed = g_ptr_array_new ();
}

char *
pigeon_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "pigeon", "pigeon.db", NULL);
}

/* Opens both connections. A marker file says a session is (or was) running:
 * when it survives a crash, the next start checks the file before use. */
static gboolean
open_databases (PigeonStore *self, GError **error)
{
  g_autoptr (PigeonDb) writer = pigeon_db_open (self->path, error);
  gboolean unclean = g_file_test (self->marker_path, G_FILE_TEST_EXISTS);

  if (writer == NULL)
    return FALSE;
  if (unclean && !pigeon_db_check (writer, error))
    return FALSE;
  if (!pigeon_store_migrate (writer, error))
    return FALSE;
  self->reader = pigeon_db_open (self->path, error);
  if (self->reader == NULL)
    return FALSE;
  if (!g_file_set_contents (self->marker_path, "", 0, error))
    return FALSE;
  sqlite3_wal_hook (pigeon_db_handle (writer), on_wal_commit, self);
  self->writer_db = g_steal_pointer (&writer);
  return TRUE;
}

static gboolean load_accounts (PigeonStore *self, GError **error);
static void restart_snapshot (PigeonStore *self);

static PigeonStore *
store_new (const char *path)
{
  PigeonStore *self = g_object_new (PIGEON_TYPE_STORE, NULL);

  self->path = g_strdup (path);
  self->marker_path = g_strconcat (path, ".open", NULL);
  self->context = g_main_context_ref_thread_default ();
  return self;
}

/* The slow part of opening, which touches no object anyone can see yet: it
 * may run in a thread. Opens, checks, migrates, and rebuilds a damaged
 * database. */
static gboolean
open_files (PigeonStore *self, GError **error)
{
  g_autoptr (GError) damage = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  if (open_databases (self, &damage))
    return TRUE;
  if (!g_error_matches (damage, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&damage));
      return FALSE;
    }
  g_clear_pointer (&self->reader, pigeon_db_free);
  self->notice = pigeon_store_recover (self->path, damage, error);
  return self->notice != NULL && open_databases (self, error);
}

/* The rest, on the thread of the main context: the writer, and the live
 * accounts and folders. */
static gboolean
start (PigeonStore *self, GError **error)
{
  restart_snapshot (self);
  self->jobs = g_async_queue_new ();
  self->writer = g_thread_new ("pigeon-store-writer", writer_main, self);
  if (!load_accounts (self, error))
    return FALSE;
  pigeon_store_index_old_bodies (self);
  return TRUE;
}

PigeonStore *
pigeon_store_open (const char *path, GError **error)
{
  g_autoptr (PigeonStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path);
  if (!open_files (self, error) || !start (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
open_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  PigeonStore *self = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (open_files (self, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pigeon_store_open_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_store_open_async);
  g_task_set_task_data (task, store_new (path), g_object_unref);
  g_task_run_in_thread (task, open_in_thread);
}

PigeonStore *
pigeon_store_open_finish (GAsyncResult *result, GError **error)
{
  PigeonStore *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pigeon_store_open_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  self = g_task_get_task_data (G_TASK (result));
  if (self->jobs == NULL && !start (self, error))
    return NULL;
  return g_object_ref (self);
}

const char *
pigeon_store_get_path (PigeonStore *self)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  return self->path;
}

const char *
pigeon_store_get_notice (PigeonStore *self)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  return self->notice;
}

void
pigeon_store_dismiss_notice (PigeonStore *self)
{
  g_return_if_fail (PIGEON_IS_STORE (self));

  if (self->notice == NULL)
    return;
  g_clear_pointer (&self->notice, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

PigeonDb *
pigeon_store_get_reader (PigeonStore *self)
{
  return self->reader;
}

/* Live objects */

PigeonMessage *
pigeon_store_ensure_message (PigeonStore *self, sqlite3_stmt *row)
{
  gint64 id = sqlite3_column_int64 (row, 0);
  PigeonMessage *message = g_hash_table_lookup (self->messages_by_id, &id);

  if (message != NULL)
    {
      pigeon_message_update (message, row);
      return g_object_ref (message);
    }
  message = pigeon_message_new_from_row (row);
  g_hash_table_insert (self->messages_by_id, id_key (id), message);
  g_object_weak_ref (G_OBJECT (message), forget_message, self);
  return message;
}

#define SUMMARY_BY_ID "SELECT " PIGEON_SUMMARY_COLUMNS " FROM messages WHERE id = ?1"

PigeonMessage *
pigeon_store_lookup_message (PigeonStore *self, gint64 id)
{
  PigeonMessage *message;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);

  message = g_hash_table_lookup (self->messages_by_id, &id);
  if (message != NULL)
    return g_object_ref (message);
  stmt = pigeon_db_prepare (self->reader, SUMMARY_BY_ID, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    message = pigeon_store_ensure_message (self, stmt);
  sqlite3_reset (stmt);
  return message;
}

void
pigeon_store_add_list (PigeonStore *self, PigeonMessageList *list)
{
  g_ptr_array_add (self->lists, list);
}

void
pigeon_store_remove_list (PigeonStore *self, PigeonMessageList *list)
{
  g_ptr_array_remove (self->lists, list);
}

GListModel *
pigeon_store_get_accounts (PigeonStore *self)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

PigeonAccount *
pigeon_store_lookup_account (PigeonStore *self, gint64 id)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  return g_hash_table_lookup (self->accounts_by_id, &id);
}

PigeonFolder *
pigeon_store_lookup_folder (PigeonStore *self, gint64 id)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  return g_hash_table_lookup (self->folders_by_id, &id);
}

GListModel *
pigeon_store_get_folders (PigeonStore *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), NULL);
  return G_LIST_MODEL (pigeon_account_get_folder_store (account));
}

PigeonFolder *
pigeon_store_find_folder (PigeonStore *self, PigeonAccount *account, const char *path)
{
  GHashTableIter iter;
  gpointer folder;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), NULL);

  g_hash_table_iter_init (&iter, self->folders_by_id);
  while (g_hash_table_iter_next (&iter, NULL, &folder))
    if (pigeon_folder_get_account_id (folder) == pigeon_account_get_id (account) &&
        g_strcmp0 (pigeon_folder_get_path (folder), path) == 0)
      return folder;
  return NULL;
}

/* Applying changes (apply_changes() says in which order). */

static GListStore *
folder_container (PigeonStore *self, PigeonFolder *folder)
{
  gint64 parent_id = pigeon_folder_get_parent_id (folder);
  PigeonFolder *parent = parent_id ? g_hash_table_lookup (self->folders_by_id, &parent_id) : NULL;
  PigeonAccount *account;
  gint64 account_id;

  if (parent != NULL)
    return pigeon_folder_get_children_store (parent);
  account_id = pigeon_folder_get_account_id (folder);
  account = g_hash_table_lookup (self->accounts_by_id, &account_id);
  return account ? pigeon_account_get_folder_store (account) : NULL;
}

static void
store_remove_item (GListStore *container, gpointer item)
{
  guint position;

  if (container != NULL && g_list_store_find (container, item, &position))
    g_list_store_remove (container, position);
}

static void
place_folder (PigeonStore *self, PigeonFolder *folder)
{
  GListStore *container = folder_container (self, folder);

  if (container != NULL)
    g_list_store_insert_sorted (container, folder, pigeon_folder_compare, NULL);
}

static void
drop_folder (PigeonStore *self, gint64 id)
{
  g_autoptr (PigeonFolder) folder = g_hash_table_lookup (self->folders_by_id, &id);

  if (folder == NULL)
    return;
  g_object_ref (folder);
  store_remove_item (folder_container (self, folder), folder);
  g_hash_table_remove (self->folders_by_id, &id);
}

/* Returns the folder when it must be placed (new, or a new parent): only
 * once every folder of the change exists, so that a parent named in the
 * same write is found. */
static PigeonFolder *
refresh_folder (PigeonStore *self, gint64 id, sqlite3_stmt *row)
{
  PigeonFolder *folder = g_hash_table_lookup (self->folders_by_id, &id);

  if (folder == NULL)
    {
      folder = pigeon_folder_new_from_row (row);
      g_hash_table_insert (self->folders_by_id, id_key (id), folder);
      return folder;
    }
  if (pigeon_folder_get_parent_id (folder) == sqlite3_column_int64 (row, 2))
    {
      pigeon_folder_update (folder, row);
      return NULL;
    }
  store_remove_item (folder_container (self, folder), folder);
  pigeon_folder_update (folder, row);
  return folder;
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = **(gint64 *const *) a, y = **(gint64 *const *) b;

  return x < y ? -1 : x > y;
}

static GPtrArray *
sorted_ids (GHashTable *set)
{
  GPtrArray *ids = g_ptr_array_sized_new (g_hash_table_size (set));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);

  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

static void
apply_folder_changes (PigeonStore *self, GHashTable *folders)
{
  g_autoptr (GPtrArray) ids = sorted_ids (folders);
  g_autoptr (GPtrArray) to_place = g_ptr_array_new ();
  sqlite3_stmt *stmt =
      pigeon_db_prepare (self->reader, "SELECT " PIGEON_FOLDER_COLUMNS " FROM folders WHERE id = ?1", NULL);

  for (guint i = 0; stmt != NULL && i < ids->len; i++)
    {
      gint64 id = *(gint64 *) ids->pdata[i];
      PigeonFolder *folder = NULL;

      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        folder = refresh_folder (self, id, stmt);
      else
        drop_folder (self, id);
      sqlite3_reset (stmt);
      if (folder != NULL)
        g_ptr_array_add (to_place, folder);
    }
  for (guint i = 0; i < to_place->len; i++)
    place_folder (self, to_place->pdata[i]);
}

static void
drop_account (PigeonStore *self, gint64 id)
{
  PigeonAccount *account = g_hash_table_lookup (self->accounts_by_id, &id);

  if (account == NULL)
    return;
  store_remove_item (self->accounts, account);
  g_hash_table_remove (self->accounts_by_id, &id);
}

static void
refresh_account (PigeonStore *self, gint64 id, sqlite3_stmt *row)
{
  PigeonAccount *account = g_hash_table_lookup (self->accounts_by_id, &id);

  if (account != NULL)
    {
      pigeon_account_update (account, row);
      return;
    }
  account = pigeon_account_new_from_row (row);
  g_hash_table_insert (self->accounts_by_id, id_key (id), account);
  g_list_store_append (self->accounts, account);
}

static void
apply_account_changes (PigeonStore *self, GHashTable *accounts)
{
  g_autoptr (GPtrArray) ids = sorted_ids (accounts);
  sqlite3_stmt *stmt =
      pigeon_db_prepare (self->reader, "SELECT " PIGEON_ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1", NULL);

  for (guint i = 0; stmt != NULL && i < ids->len; i++)
    {
      gint64 id = *(gint64 *) ids->pdata[i];

      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        refresh_account (self, id, stmt);
      else
        drop_account (self, id);
      sqlite3_reset (stmt);
    }
}

static void
apply_message_changes (PigeonStore *self, GArray *changes)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (self->reader, SUMMARY_BY_ID, NULL);

  for (guint i = 0; stmt != NULL && i < changes->len; i++)
    {
      const PigeonMessageChange *change = &g_array_index (changes, PigeonMessageChange, i);
      PigeonMessage *message = g_hash_table_lookup (self->messages_by_id, &change->message_id);

      if (message == NULL || change->kind != PIGEON_CHANGE_CHANGED)
        continue;
      sqlite3_bind_int64 (stmt, 1, change->message_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        pigeon_message_update (message, stmt);
      sqlite3_reset (stmt);
    }
}

/* A new account, with its row's id: the caller's object becomes the live one. */
static void
adopt_account (PigeonStore *self, PigeonAccount *account)
{
  gint64 id = pigeon_account_get_id (account);

  g_hash_table_insert (self->accounts_by_id, id_key (id), g_object_ref (account));
  g_list_store_append (self->accounts, account);
}

/* Messages, then the lists: a paged list answers from its pages of the
 * snapshot before until it applies the change, so it goes before any other
 * handler runs. Then accounts, and folders (parents before children: a
 * parent's id is lower). */
static void
apply_changes (PigeonStore *self, PigeonChanges *changes, GPtrArray *lists)
{
  apply_message_changes (self, changes->messages);
  for (guint i = 0; changes->messages->len > 0 && i < lists->len; i++)
    pigeon_message_list_apply (lists->pdata[i], changes);
  apply_account_changes (self, changes->accounts);
  apply_folder_changes (self, changes->folders);
}

static void
merge_changes (PigeonChanges *into, const PigeonChanges *from)
{
  GHashTableIter iter;
  gpointer key;

  g_array_append_vals (into->messages, from->messages->data, from->messages->len);
  g_hash_table_iter_init (&iter, from->folders);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    pigeon_changes_add_folder (into, *(gint64 *) key);
  g_hash_table_iter_init (&iter, from->accounts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    pigeon_changes_add_account (into, *(gint64 *) key);
}

/* Ends the reader's snapshot and takes the newest one. */
static void
restart_snapshot (PigeonStore *self)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *handle = pigeon_db_handle (self->reader);

  if (sqlite3_get_autocommit (handle) == 0 && !pigeon_db_exec (self->reader, "COMMIT", &error))
    g_warning ("Cannot end a read: %s", error->message);
  /* BEGIN alone reads nothing yet: the SELECT fixes the snapshot. */
  else if (!pigeon_db_exec (self->reader, "BEGIN; SELECT 1 FROM sqlite_master LIMIT 1", &error))
    g_warning ("Cannot start a read: %s", error->message);
}

/* Takes in every write committed since the last snapshot, as one change:
 * the lists read how the touched rows were, the reader moves on under the
 * commit lock (so that no other write slips into the new snapshot), then
 * accounts, folders, messages and lists follow. Returns FALSE when there
 * was nothing to take in. */
static gboolean
take_in_writes (PigeonStore *self)
{
  g_autoptr (GPtrArray) lists = g_ptr_array_new_full (self->lists->len, g_object_unref);
  g_autoptr (GPtrArray) adopted = g_ptr_array_new_with_free_func (g_object_unref);
  PigeonChanges merged;
  guint n_jobs;

  /* A handler may drop a list while we walk them. */
  for (guint i = 0; i < self->lists->len; i++)
    g_ptr_array_add (lists, g_object_ref (self->lists->pdata[i]));
  pigeon_changes_init (&merged);
  g_mutex_lock (&self->commit_lock);
  n_jobs = self->committed->len;
  for (guint i = 0; i < n_jobs; i++)
    {
      WriteJob *job = self->committed->pdata[i];

      merge_changes (&merged, &job->changes);
      /* The job is freed once delivered, maybe while handlers run below. */
      if (job->changes.adopt_account != NULL && pigeon_account_get_id (job->changes.adopt_account) == 0)
        {
          pigeon_account_set_id (job->changes.adopt_account, job->changes.new_id);
          g_ptr_array_add (adopted, g_object_ref (job->changes.adopt_account));
        }
    }
  g_ptr_array_set_size (self->committed, 0);
  for (guint i = 0; merged.messages->len > 0 && i < lists->len; i++)
    pigeon_message_list_prepare (lists->pdata[i], &merged);
  restart_snapshot (self);
  g_mutex_unlock (&self->commit_lock);
  for (guint i = 0; i < adopted->len; i++)
    adopt_account (self, adopted->pdata[i]);
  apply_changes (self, &merged, lists);
  pigeon_changes_clear (&merged);
  return n_jobs > 0;
}

/* Also after a checkpoint with nothing to take in: a snapshot taken then
 * lets the next write start the WAL from its beginning. A handler that
 * runs the main context meanwhile may deliver writes: they are taken in
 * here once the handlers are done, not in the middle of them. */
static void
sync_reader (PigeonStore *self)
{
  gboolean took = FALSE;

  if (self->syncing)
    {
      self->sync_again = TRUE;
      return;
    }
  self->syncing = TRUE;
  do
    {
      self->sync_again = FALSE;
      took |= take_in_writes (self);
    }
  while (self->sync_again);
  self->syncing = FALSE;
  if (took && g_atomic_int_get (&self->wal_frames) >= CHECKPOINT_FRAMES)
    queue_checkpoint (self);
}

static gboolean
load_accounts (PigeonStore *self, GError **error)
{
  g_autoptr (GHashTable) accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt =
      pigeon_db_prepare (self->reader, "SELECT id, 0 FROM accounts UNION ALL SELECT id, 1 FROM folders", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (sqlite3_column_int (stmt, 1) ? folders : accounts, id_key (sqlite3_column_int64 (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return pigeon_db_fail (self->reader, rc, error);
  apply_account_changes (self, accounts);
  apply_folder_changes (self, folders);
  return TRUE;
}
