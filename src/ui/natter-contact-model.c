/* natter-contact-model.c: the contacts of every account, for the sidebar
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-contact-model.h"

#include <string.h>

/**
 * NatterContactModel:
 *
 * A #GListModel of the #NatterContact of every account of a
 * #NatterAccountList: the accounts' rosters flattened, filtered by the
 * search text (name or address) and sorted with subscription requests first, then by name.
 *
 * The rosters announce changes of names (the sort key) as items-changed,
 * so the filter and sort models follow them by themselves; a request
 * arriving from or answered for an existing contact is only a property
 * change, so the model watches #NatterContact:pending-in on every contact
 * and sorts again when it changes, which is rare.
 */
struct _NatterContactModel
{
  GObject             parent_instance;

  NatterAccountList  *accounts;
  GtkFlattenListModel *flat;       /* owned by sorted */
  GtkCustomFilter    *filter;      /* owned by sorted */
  GtkSorter          *sorter;      /* owned by sorted */
  GtkSortListModel   *sorted;
  GPtrArray          *watched;     /* NatterContact *, mirrors flat */

  char               *search;
  char               *search_folded;
  gboolean            multiple_accounts;
};

static void natter_contact_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterContactModel, natter_contact_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      natter_contact_model_list_model_init))

enum {
  PROP_0,
  PROP_ACCOUNTS,
  PROP_SEARCH,
  PROP_N_CONTACTS,
  PROP_MULTIPLE_ACCOUNTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
natter_contact_model_get_item_type (GListModel *model)
{
  return NATTER_TYPE_CONTACT;
}

static guint
natter_contact_model_get_n_items (GListModel *model)
{
  NatterContactModel *self = NATTER_CONTACT_MODEL (model);

  return self->sorted != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) : 0;
}

static gpointer
natter_contact_model_get_item (GListModel *model,
                               guint       position)
{
  NatterContactModel *self = NATTER_CONTACT_MODEL (model);

  if (self->sorted == NULL)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
}

static void
natter_contact_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = natter_contact_model_get_item_type;
  iface->get_n_items = natter_contact_model_get_n_items;
  iface->get_item = natter_contact_model_get_item;
}

static gpointer
map_account_to_roster (gpointer item,
                       gpointer user_data)
{
  g_autoptr(NatterAccount) account = item;

  return g_object_ref (natter_account_get_roster (account));
}

static gboolean
contains_folded (const char *text,
                 const char *needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
match_cb (gpointer item,
          gpointer user_data)
{
  NatterContactModel *self = user_data;
  NatterContact *contact = item;

  /* Not the account: typing part of one's own address would match every
   * contact of that account. */
  if (self->search_folded == NULL)
    return TRUE;
  return contains_folded (natter_contact_get_name (contact), self->search_folded) ||
         contains_folded (natter_contact_get_jid (contact), self->search_folded);
}

static int
compare_requests_first (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  gboolean pending_a = natter_contact_get_pending_in ((NatterContact *) a);
  gboolean pending_b = natter_contact_get_pending_in ((NatterContact *) b);

  if (pending_a == pending_b)
    return GTK_ORDERING_EQUAL;
  return pending_a ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static GtkSorter *
create_sorter (void)
{
  GtkMultiSorter *sorter = gtk_multi_sorter_new ();
  GtkExpression *account;

  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_custom_sorter_new (compare_requests_first,
                                                                      NULL, NULL)));
  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_string_sorter_new (
    gtk_property_expression_new (NATTER_TYPE_CONTACT, NULL, "name"))));
  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_string_sorter_new (
    gtk_property_expression_new (NATTER_TYPE_CONTACT, NULL, "jid"))));
  account = gtk_property_expression_new (NATTER_TYPE_CONTACT, NULL, "account");
  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_string_sorter_new (
    gtk_property_expression_new (NATTER_TYPE_ACCOUNT, account, "jid"))));
  return GTK_SORTER (sorter);
}

static void
pending_in_changed_cb (NatterContact      *contact,
                       GParamSpec         *pspec,
                       NatterContactModel *self)
{
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

static void
unwatch (NatterContactModel *self,
         NatterContact      *contact)
{
  g_signal_handlers_disconnect_by_func (contact, pending_in_changed_cb, self);
}

static void
flat_items_changed_cb (GListModel         *model,
                       guint               position,
                       guint               removed,
                       guint               added,
                       NatterContactModel *self)
{
  for (guint i = 0; i < removed; i++)
    unwatch (self, g_ptr_array_index (self->watched, position + i));
  g_ptr_array_remove_range (self->watched, position, removed);

  for (guint i = 0; i < added; i++)
    {
      NatterContact *contact = g_list_model_get_item (model, position + i);

      g_signal_connect (contact, "notify::pending-in", G_CALLBACK (pending_in_changed_cb), self);
      g_ptr_array_insert (self->watched, position + i, contact);
    }

  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONTACTS]);
}

static void
sorted_items_changed_cb (GListModel         *model,
                         guint               position,
                         guint               removed,
                         guint               added,
                         NatterContactModel *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
update_multiple_accounts (NatterContactModel *self)
{
  gboolean multiple = g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 1;

  if (self->multiple_accounts == multiple)
    return;
  self->multiple_accounts = multiple;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MULTIPLE_ACCOUNTS]);
}

static void
accounts_items_changed_cb (GListModel         *model,
                           guint               position,
                           guint               removed,
                           guint               added,
                           NatterContactModel *self)
{
  update_multiple_accounts (self);
}

static void
natter_contact_model_dispose (GObject *object)
{
  NatterContactModel *self = NATTER_CONTACT_MODEL (object);

  if (self->watched != NULL)
    {
      for (guint i = 0; i < self->watched->len; i++)
        unwatch (self, g_ptr_array_index (self->watched, i));
      g_ptr_array_set_size (self->watched, 0);
    }
  if (self->flat != NULL)
    g_signal_handlers_disconnect_by_data (self->flat, self);
  if (self->sorted != NULL)
    g_signal_handlers_disconnect_by_data (self->sorted, self);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  self->flat = NULL;
  self->filter = NULL;
  self->sorter = NULL;
  g_clear_object (&self->sorted);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (natter_contact_model_parent_class)->dispose (object);
}

static void
natter_contact_model_finalize (GObject *object)
{
  NatterContactModel *self = NATTER_CONTACT_MODEL (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_free (self->search);
  g_free (self->search_folded);

  G_OBJECT_CLASS (natter_contact_model_parent_class)->finalize (object);
}

static void
natter_contact_model_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  NatterContactModel *self = NATTER_CONTACT_MODEL (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      g_value_set_object (value, self->accounts);
      break;

    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;

    case PROP_N_CONTACTS:
      g_value_set_uint (value, natter_contact_model_get_n_contacts (self));
      break;

    case PROP_MULTIPLE_ACCOUNTS:
      g_value_set_boolean (value, self->multiple_accounts);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_contact_model_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  NatterContactModel *self = NATTER_CONTACT_MODEL (object);

  switch (prop_id)
    {
    case PROP_SEARCH:
      natter_contact_model_set_search (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_contact_model_class_init (NatterContactModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_contact_model_dispose;
  object_class->finalize = natter_contact_model_finalize;
  object_class->get_property = natter_contact_model_get_property;
  object_class->set_property = natter_contact_model_set_property;

  /**
   * NatterContactModel:accounts:
   *
   * The accounts whose contacts the model holds.
   */
  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL,
                         NATTER_TYPE_ACCOUNT_LIST,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContactModel:search:
   *
   * Text the contacts' names or addresses contain, ignoring case; %NULL
   * or empty for every contact.
   */
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContactModel:n-contacts:
   *
   * The number of contacts of all accounts, whatever the search.
   */
  properties[PROP_N_CONTACTS] =
    g_param_spec_uint ("n-contacts", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContactModel:multiple-accounts:
   *
   * Whether there is more than one account, so rows say which account a
   * contact belongs to.
   */
  properties[PROP_MULTIPLE_ACCOUNTS] =
    g_param_spec_boolean ("multiple-accounts", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_contact_model_init (NatterContactModel *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * natter_contact_model_new:
 * @accounts: the accounts
 *
 * Returns: (transfer full): a model of the contacts of @accounts
 */
NatterContactModel *
natter_contact_model_new (NatterAccountList *accounts)
{
  NatterContactModel *self;
  GtkMapListModel *rosters;
  GtkFilterListModel *filtered;

  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (accounts), NULL);

  self = g_object_new (NATTER_TYPE_CONTACT_MODEL, NULL);
  self->accounts = g_object_ref (accounts);

  rosters = gtk_map_list_model_new (G_LIST_MODEL (g_object_ref (accounts)),
                                    map_account_to_roster, NULL, NULL);
  self->flat = gtk_flatten_list_model_new (G_LIST_MODEL (rosters));
  self->filter = gtk_custom_filter_new (match_cb, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->flat), GTK_FILTER (self->filter));
  self->sorter = create_sorter ();
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered), self->sorter);

  flat_items_changed_cb (G_LIST_MODEL (self->flat), 0, 0,
                         g_list_model_get_n_items (G_LIST_MODEL (self->flat)), self);
  g_signal_connect (self->flat, "items-changed", G_CALLBACK (flat_items_changed_cb), self);
  g_signal_connect (self->sorted, "items-changed", G_CALLBACK (sorted_items_changed_cb), self);
  g_signal_connect (accounts, "items-changed", G_CALLBACK (accounts_items_changed_cb), self);
  update_multiple_accounts (self);

  return self;
}

/**
 * natter_contact_model_get_accounts:
 * @self: a contact model
 *
 * Returns: (transfer none): the accounts
 */
NatterAccountList *
natter_contact_model_get_accounts (NatterContactModel *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_MODEL (self), NULL);

  return self->accounts;
}

/**
 * natter_contact_model_get_search:
 * @self: a contact model
 *
 * Returns: (nullable): the search text
 */
const char *
natter_contact_model_get_search (NatterContactModel *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_MODEL (self), NULL);

  return self->search;
}

/**
 * natter_contact_model_set_search:
 * @self: a contact model
 * @search: (nullable): text to look for, %NULL or empty for everything
 *
 * Keeps only the contacts whose name or address contains @search,
 * ignoring case.
 */
void
natter_contact_model_set_search (NatterContactModel *self,
                                 const char         *search)
{
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_return_if_fail (NATTER_IS_CONTACT_MODEL (self));

  if (search != NULL)
    stripped = g_strstrip (g_strdup (search));
  if (stripped != NULL && stripped[0] == '\0')
    g_clear_pointer (&stripped, g_free);
  if (g_strcmp0 (self->search, stripped) == 0)
    return;

  if (stripped != NULL)
    folded = g_utf8_casefold (stripped, -1);
  if (self->search_folded == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (folded == NULL || strstr (self->search_folded, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (strstr (folded, self->search_folded) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;

  g_free (self->search);
  self->search = g_steal_pointer (&stripped);
  g_free (self->search_folded);
  self->search_folded = g_steal_pointer (&folded);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

/**
 * natter_contact_model_get_n_contacts:
 * @self: a contact model
 *
 * Returns: the number of contacts of all accounts, whatever the search
 */
guint
natter_contact_model_get_n_contacts (NatterContactModel *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_MODEL (self), 0);

  return self->flat != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->flat)) : 0;
}

/**
 * natter_contact_model_get_multiple_accounts:
 * @self: a contact model
 *
 * Returns: whether there is more than one account
 */
gboolean
natter_contact_model_get_multiple_accounts (NatterContactModel *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_MODEL (self), FALSE);

  return self->multiple_accounts;
}
