/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include "store-test.h"

/* A list model checked against a mirror that only ever learns of the model
 * through items-changed, and against a list built afresh from the file. */
typedef struct
{
  PigeonMessageList *list;
  GArray *mirror; /* gint64 ids */
  guint signals;
} Watched;

static void
check_same (PigeonMessageList *list, GArray *ids)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpint (pigeon_message_list_get_message_id (list, i), ==, g_array_index (ids, gint64, i));
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  Watched *watched = user_data;

  g_assert_cmpuint (position + removed, <=, watched->mirror->len);
  g_array_remove_range (watched->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      gint64 id = pigeon_message_list_get_message_id (watched->list, position + i);

      g_array_insert_val (watched->mirror, position + i, id);
    }
  watched->signals++;
  /* The model is already in the state it announces. */
  check_same (watched->list, watched->mirror);
}

static Watched *
watch (PigeonMessageList *list)
{
  Watched *watched = g_new0 (Watched, 1);

  watched->list = list;
  watched->mirror = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      gint64 id = pigeon_message_list_get_message_id (list, i);

      g_array_append_val (watched->mirror, id);
    }
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), watched);
  return watched;
}

static void
unwatch (Watched *watched)
{
  g_signal_handlers_disconnect_by_data (watched->list, watched);
  g_object_unref (watched->list);
  g_array_unref (watched->mirror);
  g_free (watched);
}

/* The same rows, in the same order, as a list made now from the file. */
static void
check_against_fresh (PigeonMessageList *fresh, Watched *watched)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (fresh)); i++)
    {
      gint64 id = pigeon_message_list_get_message_id (fresh, i);

      g_array_append_val (ids, id);
    }
  check_same (watched->list, ids);
  g_assert_cmpuint (watched->mirror->len, ==, ids->len);
}

typedef struct
{
  char *dir;
  PigeonStore *store;
  PigeonAccount *account;
  PigeonFolder *inbox;
  PigeonFolder *archive;
  guint32 next_uid;
  GArray *inbox_uids; /* guint32 */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  f->dir = store_test_make_dir ();
  path = g_build_filename (f->dir, "pigeon.db", NULL);
  f->store = pigeon_store_open (path, &error);
  g_assert_no_error (error);
  f->account = store_test_add_account (f->store, "ada@example.org");
  f->inbox = store_test_add_folder (f->store, f->account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  f->archive = store_test_add_folder (f->store, f->account, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE);
  f->next_uid = 1;
  f->inbox_uids = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->inbox);
  g_clear_object (&f->archive);
  g_clear_object (&f->account);
  g_clear_object (&f->store);
  g_array_unref (f->inbox_uids);
  store_test_cleanup_dir (f->dir);
  g_free (f->dir);
}

static const char *const subjects[] = { "alpha", "Beta", "gamma", "ALPHA", "delta", "epsilon", "alpha beta" };

/* New messages with dates that collide often, so that ties (broken by id)
 * are exercised. */
static GPtrArray *
random_batch (Fixture *f, guint n)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);

  for (guint i = 0; i < n; i++)
    {
      guint32 uid = f->next_uid++;
      PigeonMessageInfo *info = store_test_info (uid, g_test_rand_int_range (0, 50) * 60,
                                                 subjects[g_test_rand_int_range (0, G_N_ELEMENTS (subjects))]);

      info->flags = g_test_rand_bit () ? PIGEON_MESSAGE_SEEN : 0;
      g_ptr_array_add (infos, info);
      g_array_append_val (f->inbox_uids, uid);
    }
  return infos;
}

static guint32
take_random_uid (Fixture *f)
{
  guint index = g_test_rand_int_range (0, f->inbox_uids->len);
  guint32 uid = g_array_index (f->inbox_uids, guint32, index);

  g_array_remove_index_fast (f->inbox_uids, index);
  return uid;
}

/* Queues one random write (not waited for). */
static void
random_write (Fixture *f, StoreTestWrite *write)
{
  int kind = f->inbox_uids->len < 20 ? 0 : g_test_rand_int_range (0, 4);

  if (kind == 0)
    {
      g_autoptr (GPtrArray) infos = random_batch (f, g_test_rand_int_range (1, 40));

      pigeon_store_add_messages_async (f->store, f->inbox, infos, NULL, store_test_write_cb, write);
    }
  else if (kind == 1)
    {
      guint32 uids[8];

      for (guint i = 0; i < G_N_ELEMENTS (uids); i++)
        uids[i] = take_random_uid (f);
      pigeon_store_remove_uids_async (f->store, f->inbox, uids, G_N_ELEMENTS (uids), NULL, store_test_write_cb, write);
    }
  else if (kind == 2)
    {
      PigeonFlagUpdate updates[6];

      for (guint i = 0; i < G_N_ELEMENTS (updates); i++)
        {
          updates[i].uid = g_array_index (f->inbox_uids, guint32, g_test_rand_int_range (0, f->inbox_uids->len));
          updates[i].flags = g_test_rand_bit () ? PIGEON_MESSAGE_SEEN : PIGEON_MESSAGE_FLAGGED;
        }
      pigeon_store_update_flags_async (f->store, f->inbox, updates, G_N_ELEMENTS (updates), NULL, store_test_write_cb,
                                       write);
    }
  else
    {
      g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

      /* A UID of a batch still in flight has no message yet: take another. */
      for (guint i = 0; messages->len < 3 && i < 20; i++)
        {
          gint64 id = pigeon_store_lookup_uid (f->store, f->inbox, take_random_uid (f));
          PigeonMessage *message = id ? pigeon_store_lookup_message (f->store, id) : NULL;

          if (message != NULL)
            g_ptr_array_add (messages, message);
        }
      pigeon_store_move_messages_async (f->store, messages, f->inbox, f->archive, NULL, store_test_write_cb, write);
    }
}

/* Reads rows at random while writes are in flight: every position answers
 * with the message the list says is there. */
static void
read_at_random (PigeonMessageList *list)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; n > 0 && i < 20; i++)
    {
      guint position = g_test_rand_int_range (0, n);
      g_autoptr (PigeonMessage) message = g_list_model_get_item (G_LIST_MODEL (list), position);

      g_assert_nonnull (message);
      g_assert_cmpint (pigeon_message_get_id (message), ==, pigeon_message_list_get_message_id (list, position));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), n));
}

typedef PigeonMessageList *(*MakeList) (Fixture *f);

static PigeonMessageList *
inbox_by_date (Fixture *f)
{
  return pigeon_store_list_folder (f->store, f->inbox, PIGEON_SORT_DATE, TRUE, NULL);
}

static PigeonMessageList *
inbox_by_subject (Fixture *f)
{
  return pigeon_store_list_folder (f->store, f->inbox, PIGEON_SORT_SUBJECT, FALSE, NULL);
}

static PigeonMessageList *
inbox_by_size (Fixture *f)
{
  return pigeon_store_list_folder (f->store, f->inbox, PIGEON_SORT_SIZE, FALSE, NULL);
}

static PigeonMessageList *
archive_by_date (Fixture *f)
{
  return pigeon_store_list_folder (f->store, f->archive, PIGEON_SORT_DATE, TRUE, NULL);
}

static PigeonMessageList *
unread_search (Fixture *f)
{
  return pigeon_store_search (f->store, f->account, "is:unread", NULL);
}

static PigeonMessageList *
alpha_search (Fixture *f)
{
  return pigeon_store_search (f->store, NULL, "subject:alph", NULL);
}

static const MakeList makers[] = { inbox_by_date,   inbox_by_subject, inbox_by_size,
                                   archive_by_date, unread_search,    alpha_search };

static void
check_all (Fixture *f, Watched **watched)
{
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    {
      g_autoptr (PigeonMessageList) fresh = makers[i](f);

      check_against_fresh (fresh, watched[i]);
    }
}

/* Writes one at a time; after each, every list equals its mirror and a
 * fresh list. */
static void
test_items_changed (Fixture *f, gconstpointer data)
{
  Watched *watched[G_N_ELEMENTS (makers)];
  g_autoptr (GPtrArray) first = random_batch (f, 300);
  guint signals = 0;

  store_test_add_messages (f->store, f->inbox, first);
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    watched[i] = watch (makers[i](f));
  for (guint round = 0; round < 60; round++)
    {
      StoreTestWrite write = { 0 };

      random_write (f, &write);
      store_test_wait_ok (&write);
      check_all (f, watched);
    }
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    {
      signals += watched[i]->signals;
      unwatch (watched[i]);
    }
  g_test_message ("%u items-changed signals checked", signals);
  g_assert_cmpuint (signals, >, 60);
}

/* Many writes in flight while the view reads rows at random. */
static void
test_paging_under_writes (Fixture *f, gconstpointer data)
{
  Watched *watched[G_N_ELEMENTS (makers)];
  g_autoptr (GPtrArray) first = random_batch (f, 1000);
  StoreTestWrite writes[40] = { { 0 } };

  store_test_add_messages (f->store, f->inbox, first);
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    watched[i] = watch (makers[i](f));
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      random_write (f, &writes[i]);
      for (guint j = 0; j < G_N_ELEMENTS (makers); j++)
        read_at_random (watched[j]->list);
      g_main_context_iteration (NULL, FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      while (!writes[i].done)
        {
          for (guint j = 0; j < G_N_ELEMENTS (makers); j++)
            read_at_random (watched[j]->list);
          store_test_wait_ok (&writes[i]);
        }
      g_assert_no_error (writes[i].error);
    }
  check_all (f, watched);
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    unwatch (watched[i]);
}

/* Lists opened while writes are in flight (committed, most likely, but not
 * yet delivered), and written to at once: what they announce adds up to a
 * fresh list. */
static void
test_load_under_writes (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) first = random_batch (f, 1500);

  store_test_add_messages (f->store, f->inbox, first);
  for (guint round = 0; round < 12; round++)
    {
      Watched *watched[G_N_ELEMENTS (makers)];
      StoreTestWrite writes[8] = { { 0 } };

      for (guint i = 0; i < G_N_ELEMENTS (writes) / 2; i++)
        random_write (f, &writes[i]);
      g_usleep (G_USEC_PER_SEC / 20);
      for (guint i = G_N_ELEMENTS (makers); i-- > 0;)
        watched[i] = watch (makers[i](f));
      for (guint i = G_N_ELEMENTS (writes) / 2; i < G_N_ELEMENTS (writes); i++)
        {
          random_write (f, &writes[i]);
          g_main_context_iteration (NULL, FALSE);
          read_at_random (watched[0]->list);
        }
      for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
        store_test_wait_ok (&writes[i]);
      check_all (f, watched);
      for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
        unwatch (watched[i]);
    }
}

/* A folder by date is paged: more rows than the list keeps pages for, read
 * in order (each page after the one before), backwards (each before the
 * one after) and at random (by offset from either end) give the same ids,
 * sorted newest first; then writes land in it while it is read at random. */
static void
test_pages (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) first = random_batch (f, 3000);
  g_autoptr (PigeonMessageList) forward = NULL;
  g_autoptr (PigeonMessageList) backward = NULL;
  g_autoptr (PigeonMessageList) shuffled = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  Watched *watched;
  guint n;

  store_test_add_messages (f->store, f->inbox, first);
  forward = inbox_by_date (f);
  backward = inbox_by_date (f);
  shuffled = inbox_by_date (f);
  n = g_list_model_get_n_items (G_LIST_MODEL (forward));
  g_assert_cmpuint (n, ==, 3000);
  g_assert_false (pigeon_message_list_is_loading (forward));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PigeonMessage) message = g_list_model_get_item (G_LIST_MODEL (forward), i);
      gint64 id = pigeon_message_get_id (message);

      g_array_append_val (ids, id);
    }
  for (guint i = n; i-- > 0;)
    g_assert_cmpint (pigeon_message_list_get_message_id (backward, i), ==, g_array_index (ids, gint64, i));
  for (guint i = 0; i < 2 * n; i++)
    {
      guint position = g_test_rand_int_range (0, n);

      g_assert_cmpint (pigeon_message_list_get_message_id (shuffled, position), ==,
                       g_array_index (ids, gint64, position));
    }
  for (guint i = 1; i < n; i += 97)
    {
      g_autoptr (PigeonMessage) x = g_list_model_get_item (G_LIST_MODEL (shuffled), i - 1);
      g_autoptr (PigeonMessage) y = g_list_model_get_item (G_LIST_MODEL (shuffled), i);

      g_assert_cmpint (pigeon_message_get_date (x), >=, pigeon_message_get_date (y));
    }

  watched = watch (g_object_ref (shuffled));
  for (guint round = 0; round < 12; round++)
    {
      StoreTestWrite write = { 0 };

      random_write (f, &write);
      read_at_random (shuffled);
      store_test_wait_ok (&write);
    }
  {
    g_autoptr (PigeonMessageList) fresh = inbox_by_date (f);

    check_against_fresh (fresh, watched);
  }
  unwatch (watched);
}

/* Lists opened, read and dropped over and over while writes are in
 * flight, as a view does when the user goes from folder to folder: no
 * list outlives its use, and the last ones equal fresh lists. */
static void
test_churn (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) first = random_batch (f, 2000);
  StoreTestWrite writes[60] = { { 0 } };
  Watched *watched[G_N_ELEMENTS (makers)];

  store_test_add_messages (f->store, f->inbox, first);
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      g_autoptr (PigeonMessageList) list = makers[i % G_N_ELEMENTS (makers)](f);
      Watched *watching = watch (g_object_ref (list));

      random_write (f, &writes[i]);
      read_at_random (list);
      g_main_context_iteration (NULL, FALSE);
      read_at_random (list);
      if (i % 3 == 0)
        store_test_wait_ok (&writes[i]);
      unwatch (watching);
    }
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    store_test_wait_ok (&writes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    watched[i] = watch (makers[i](f));
  for (guint i = 0; i < 10; i++)
    {
      StoreTestWrite write = { 0 };

      random_write (f, &write);
      store_test_wait_ok (&write);
    }
  check_all (f, watched);
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    unwatch (watched[i]);
}

static void
test_same_object (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) first = random_batch (f, 200);
  g_autoptr (PigeonMessageList) list = NULL;
  g_autoptr (PigeonMessage) a = NULL;
  g_autoptr (PigeonMessage) b = NULL;
  g_autoptr (PigeonMessage) c = NULL;

  store_test_add_messages (f->store, f->inbox, first);
  list = inbox_by_date (f);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == PIGEON_TYPE_MESSAGE);
  a = g_list_model_get_item (G_LIST_MODEL (list), 150);
  b = g_list_model_get_item (G_LIST_MODEL (list), 150);
  /* One live object per message, whichever list or lookup asks. */
  g_assert_true (a == b);
  c = pigeon_store_lookup_message (f->store, pigeon_message_get_id (a));
  g_assert_true (a == c);
  g_assert_cmpint (pigeon_message_list_get_sort_key (list), ==, PIGEON_SORT_DATE);
  g_assert_true (pigeon_message_list_get_descending (list));
  /* Sorted newest first, ties by id. */
  for (guint i = 1; i < 200; i++)
    {
      g_autoptr (PigeonMessage) x = g_list_model_get_item (G_LIST_MODEL (list), i - 1);
      g_autoptr (PigeonMessage) y = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (pigeon_message_get_date (x), >=, pigeon_message_get_date (y));
      if (pigeon_message_get_date (x) == pigeon_message_get_date (y))
        g_assert_cmpint (pigeon_message_get_id (x), >, pigeon_message_get_id (y));
    }
}

static void
add (const char *path, void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add ("/store/list/same-object", test_same_object);
  add ("/store/list/items-changed", test_items_changed);
  add ("/store/list/paging-under-writes", test_paging_under_writes);
  add ("/store/list/load-under-writes", test_load_under_writes);
  add ("/store/list/pages", test_pages);
  add ("/store/list/churn", test_churn);

  return g_test_run ();
}
