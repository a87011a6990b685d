/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include "pigeon-conversation-list.h"

struct _PigeonConversationList
{
  GObject parent_instance;

  GListModel *source;
  /* The newest message of each conversation, in order (PigeonMessage). */
  GPtrArray *items;
  /* thread id -> GPtrArray of the conversation's messages */
  GHashTable *members;
};

static void pigeon_conversation_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PigeonConversationList,
                               pigeon_conversation_list,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, pigeon_conversation_list_model_init))

static GType
pigeon_conversation_list_get_item_type (GListModel *model)
{
  return PIGEON_TYPE_MESSAGE;
}

static guint
pigeon_conversation_list_get_n_items (GListModel *model)
{
  return PIGEON_CONVERSATION_LIST (model)->items->len;
}

static gpointer
pigeon_conversation_list_get_item (GListModel *model, guint position)
{
  PigeonConversationList *self = PIGEON_CONVERSATION_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (self->items->pdata[position]);
}

static void
pigeon_conversation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pigeon_conversation_list_get_item_type;
  iface->get_n_items = pigeon_conversation_list_get_n_items;
  iface->get_item = pigeon_conversation_list_get_item;
}

static gint64 *
thread_key (PigeonMessage *message)
{
  gint64 *key = g_new (gint64, 1);

  /* A message without a thread is a conversation of its own. */
  *key = pigeon_message_get_thread_id (message);
  if (*key == 0)
    *key = -pigeon_message_get_id (message);
  return key;
}

/* Groups the whole source; the items are each group's newest message in
 * the order the groups first appear. */
static void
pigeon_conversation_list_group (PigeonConversationList *self, GPtrArray *items, GHashTable *members)
{
  guint n = g_list_model_get_n_items (self->source);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PigeonMessage) message = g_list_model_get_item (self->source, i);
      gint64 *key = thread_key (message);
      GPtrArray *group = g_hash_table_lookup (members, key);

      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (members, key, group);
          g_ptr_array_add (order, group);
        }
      else
        g_free (key);
      g_ptr_array_add (group, g_object_ref (message));
    }

  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *group = order->pdata[i];
      PigeonMessage *newest = group->pdata[0];

      for (guint j = 1; j < group->len; j++)
        if (pigeon_message_get_date (group->pdata[j]) > pigeon_message_get_date (newest))
          newest = group->pdata[j];
      g_ptr_array_add (items, g_object_ref (newest));
    }
}

/* Regroups and announces only the span that changed, so the rows and the
 * selection outside it stay. */
static void
pigeon_conversation_list_rebuild (PigeonConversationList *self)
{
  g_autoptr (GPtrArray) old = g_steal_pointer (&self->items);
  guint prefix = 0, suffix = 0;

  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_remove_all (self->members);
  pigeon_conversation_list_group (self, self->items, self->members);

  while (prefix < old->len && prefix < self->items->len && old->pdata[prefix] == self->items->pdata[prefix])
    prefix++;
  while (suffix < old->len - prefix && suffix < self->items->len - prefix &&
         old->pdata[old->len - 1 - suffix] == self->items->pdata[self->items->len - 1 - suffix])
    suffix++;

  if (prefix != old->len || prefix != self->items->len)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old->len - prefix - suffix,
                                self->items->len - prefix - suffix);
}

static void
source_items_changed_cb (PigeonConversationList *self)
{
  pigeon_conversation_list_rebuild (self);
}

PigeonConversationList *
pigeon_conversation_list_new (GListModel *messages)
{
  PigeonConversationList *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (messages), NULL);

  self = g_object_new (PIGEON_TYPE_CONVERSATION_LIST, NULL);
  self->source = g_object_ref (messages);
  pigeon_conversation_list_group (self, self->items, self->members);
  g_signal_connect_object (messages, "items-changed", G_CALLBACK (source_items_changed_cb), self, G_CONNECT_SWAPPED);
  return self;
}

GPtrArray *
pigeon_conversation_list_get_members (PigeonConversationList *self, PigeonMessage *message)
{
  g_autofree gint64 *key = NULL;
  GPtrArray *members = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *group;

  g_return_val_if_fail (PIGEON_IS_CONVERSATION_LIST (self), members);
  g_return_val_if_fail (PIGEON_IS_MESSAGE (message), members);

  key = thread_key (message);
  group = g_hash_table_lookup (self->members, key);
  for (guint i = 0; group != NULL && i < group->len; i++)
    g_ptr_array_add (members, g_object_ref (group->pdata[i]));
  return members;
}

static void
pigeon_conversation_list_finalize (GObject *object)
{
  PigeonConversationList *self = PIGEON_CONVERSATION_LIST (object);

  g_clear_object (&self->source);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->members, g_hash_table_unref);

  G_OBJECT_CLASS (pigeon_conversation_list_parent_class)->finalize (object);
}

static void
pigeon_conversation_list_class_init (PigeonConversationListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_conversation_list_finalize;
}

static void
pigeon_conversation_list_init (PigeonConversationList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->members = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}
