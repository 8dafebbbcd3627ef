/* xmpp-disco.c: XEP-0030 Service Discovery 2.5rc3, with XEP-0128 1.0 extended information
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-disco.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-caps.h"
#include "xmpp-error.h"

/* Our own identity (XEP-0030 §3.1; the category/type registry). */
#define OWN_CATEGORY "client"
#define OWN_TYPE "pc"
#define OWN_NAME "Natter"

/* ------------------------------------------------------------------------ */
/* XmppDiscoInfo                                                            */
/* ------------------------------------------------------------------------ */

/**
 * XmppDiscoInfo:
 *
 * What an entity told us about itself in a disco#info answer: its
 * identities, the features it supports and its extended information forms
 * (XEP-0128).
 *
 * The value is immutable and reference counted.  It is normalised as it
 * is built, so that two answers that say the same thing compare equal:
 * identities are sorted by category, type, language and name, features are
 * sorted, and exact duplicates of either are dropped; forms are sorted by
 * `FORM_TYPE` and their fields by name.  Malformed parts are left out
 * rather than failing the whole answer: an identity without category or
 * type, a feature without `var`, a field without `var` (or a repeated one),
 * and a form whose `FORM_TYPE` is missing, not `hidden`, or carries two
 * different values, or repeats the `FORM_TYPE` of an earlier form.
 * xmpp_caps_parse_query() is the strict variant that entity capabilities
 * need.
 */
struct _XmppDiscoInfo
{
  gatomicrefcount    ref_count;
  XmppDiscoIdentity *identities;
  guint              n_identities;
  char             **features;    /* sorted, NULL-terminated */
  guint              n_features;
  XmppDiscoForm     *forms;       /* sorted by form_type */
  guint              n_forms;
};

G_DEFINE_BOXED_TYPE (XmppDiscoInfo, xmpp_disco_info, xmpp_disco_info_ref, xmpp_disco_info_unref)

static void
identity_clear (gpointer data)
{
  XmppDiscoIdentity *identity = data;

  g_clear_pointer (&identity->category, g_free);
  g_clear_pointer (&identity->type, g_free);
  g_clear_pointer (&identity->name, g_free);
  g_clear_pointer (&identity->lang, g_free);
}

static void
field_clear (gpointer data)
{
  XmppDiscoField *field = data;

  g_clear_pointer (&field->var, g_free);
  g_clear_pointer (&field->values, g_strfreev);
}

static void
form_clear (gpointer data)
{
  XmppDiscoForm *form = data;

  for (guint i = 0; i < form->n_fields; i++)
    field_clear (&form->fields[i]);
  g_clear_pointer (&form->fields, g_free);
  g_clear_pointer (&form->form_type, g_free);
  form->n_fields = 0;
}

/* "" and NULL mean the same for a name or a language. */
static char *
dup_nonempty (const char *text)
{
  return text != NULL && text[0] != '\0' ? g_strdup (text) : NULL;
}

/* Sorting uses "i;octet" (RFC 4790 §9.3), which is what strcmp() does:
 * it compares bytes as unsigned char.  XEP-0115 §5.1 depends on it.
 */
static int
identity_compare (gconstpointer a,
                  gconstpointer b)
{
  const XmppDiscoIdentity *ia = a;
  const XmppDiscoIdentity *ib = b;
  int cmp;

  cmp = strcmp (ia->category, ib->category);
  if (cmp == 0)
    cmp = strcmp (ia->type, ib->type);
  if (cmp == 0)
    cmp = g_strcmp0 (ia->lang, ib->lang);
  if (cmp == 0)
    cmp = g_strcmp0 (ia->name, ib->name);
  return cmp;
}

static int
string_compare (gconstpointer a,
                gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
field_compare (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const XmppDiscoField *) a)->var, ((const XmppDiscoField *) b)->var);
}

static int
form_compare (gconstpointer a,
              gconstpointer b)
{
  return strcmp (((const XmppDiscoForm *) a)->form_type,
                 ((const XmppDiscoForm *) b)->form_type);
}

/* Takes the three arrays (elements owned by them, no clear functions set),
 * sorts them and drops duplicates.  g_array_sort() and g_ptr_array_sort()
 * are stable, so of two forms with one FORM_TYPE the first one written
 * stays.
 */
static XmppDiscoInfo *
info_new_take (GArray    *identities,
               GPtrArray *features,
               GArray    *forms)
{
  XmppDiscoInfo *info = g_new0 (XmppDiscoInfo, 1);
  guint n;

  g_atomic_ref_count_init (&info->ref_count);

  g_array_sort (identities, identity_compare);
  n = 0;
  for (guint i = 0; i < identities->len; i++)
    {
      XmppDiscoIdentity *identity = &g_array_index (identities, XmppDiscoIdentity, i);

      if (n > 0 &&
          identity_compare (identity, &g_array_index (identities, XmppDiscoIdentity, n - 1)) == 0)
        identity_clear (identity);
      else
        g_array_index (identities, XmppDiscoIdentity, n++) = *identity;
    }
  g_array_set_size (identities, n);
  info->n_identities = n;
  info->identities = (XmppDiscoIdentity *) (void *) g_array_free (identities, FALSE);

  g_ptr_array_sort (features, string_compare);
  n = 0;
  for (guint i = 0; i < features->len; i++)
    {
      char *feature = g_ptr_array_index (features, i);

      if (n > 0 && strcmp (feature, g_ptr_array_index (features, n - 1)) == 0)
        g_free (feature);
      else
        features->pdata[n++] = feature;
    }
  g_ptr_array_set_size (features, n);
  g_ptr_array_add (features, NULL);
  info->n_features = n;
  info->features = (char **) g_ptr_array_free (features, FALSE);

  g_array_sort (forms, form_compare);
  n = 0;
  for (guint i = 0; i < forms->len; i++)
    {
      XmppDiscoForm *form = &g_array_index (forms, XmppDiscoForm, i);

      if (n > 0 && form_compare (form, &g_array_index (forms, XmppDiscoForm, n - 1)) == 0)
        form_clear (form);
      else
        g_array_index (forms, XmppDiscoForm, n++) = *form;
    }
  g_array_set_size (forms, n);
  info->n_forms = n;
  info->forms = (XmppDiscoForm *) (void *) g_array_free (forms, FALSE);

  return info;
}

/**
 * xmpp_disco_info_new:
 * @identities: (array length=n_identities): the identities
 * @n_identities: how many
 * @features: (array zero-terminated=1) (nullable): the features
 *
 * Builds an answer without extended information, such as our own.  The
 * input is copied and normalised (see #XmppDiscoInfo); identities without
 * category or type are left out.
 *
 * Returns: (transfer full): a new #XmppDiscoInfo
 */
XmppDiscoInfo *
xmpp_disco_info_new (const XmppDiscoIdentity *identities,
                     guint                    n_identities,
                     const char * const      *features)
{
  GArray *ids;
  GPtrArray *vars;

  g_return_val_if_fail (identities != NULL || n_identities == 0, NULL);

  ids = g_array_sized_new (FALSE, TRUE, sizeof (XmppDiscoIdentity), n_identities);
  for (guint i = 0; i < n_identities; i++)
    {
      XmppDiscoIdentity copy;

      if (identities[i].category == NULL || identities[i].category[0] == '\0' ||
          identities[i].type == NULL || identities[i].type[0] == '\0')
        continue;
      copy.category = g_strdup (identities[i].category);
      copy.type = g_strdup (identities[i].type);
      copy.name = dup_nonempty (identities[i].name);
      copy.lang = dup_nonempty (identities[i].lang);
      g_array_append_val (ids, copy);
    }

  vars = g_ptr_array_new ();
  for (guint i = 0; features != NULL && features[i] != NULL; i++)
    {
      if (features[i][0] != '\0')
        g_ptr_array_add (vars, g_strdup (features[i]));
    }

  return info_new_take (ids, vars, g_array_new (FALSE, TRUE, sizeof (XmppDiscoForm)));
}

static GStrv
collect_values (XmppNode *field)
{
  GPtrArray *values = g_ptr_array_new ();
  guint n_children;
  XmppNode **children = xmpp_node_get_children (field, &n_children);

  for (guint i = 0; i < n_children; i++)
    {
      if (xmpp_node_is (children[i], "value", XMPP_NS_DATA_FORMS))
        g_ptr_array_add (values, g_strdup (xmpp_node_get_text (children[i])));
    }
  g_ptr_array_add (values, NULL);

  return (GStrv) g_ptr_array_free (values, FALSE);
}

/* Reads one `<x xmlns='jabber:x:data'/>` into @form; returns FALSE (and
 * leaves @form empty) for a form that is to be ignored.
 */
static gboolean
parse_form (XmppNode      *x,
            XmppDiscoForm *form)
{
  g_autoptr(GArray) fields = g_array_new (FALSE, TRUE, sizeof (XmppDiscoField));
  g_autofree char *form_type = NULL;
  gboolean usable = TRUE;
  guint n_children;
  XmppNode **children = xmpp_node_get_children (x, &n_children);

  g_array_set_clear_func (fields, field_clear);

  for (guint i = 0; i < n_children; i++)
    {
      XmppNode *child = children[i];
      const char *var;
      gboolean seen = FALSE;
      XmppDiscoField field;

      if (!xmpp_node_is (child, "field", XMPP_NS_DATA_FORMS))
        continue;
      var = xmpp_node_get_attribute (child, "var");
      if (var == NULL || var[0] == '\0')
        continue;

      if (strcmp (var, "FORM_TYPE") == 0)
        {
          g_auto(GStrv) values = collect_values (child);

          if (g_strcmp0 (xmpp_node_get_attribute (child, "type"), "hidden") != 0)
            usable = FALSE;
          for (guint j = 0; values[j] != NULL; j++)
            {
              if (form_type == NULL)
                form_type = g_strdup (values[j]);
              else if (strcmp (form_type, values[j]) != 0)
                usable = FALSE;
            }
          continue;
        }

      for (guint j = 0; j < fields->len && !seen; j++)
        seen = strcmp (g_array_index (fields, XmppDiscoField, j).var, var) == 0;
      if (seen)
        continue;

      field.var = g_strdup (var);
      field.values = collect_values (child);
      g_array_append_val (fields, field);
    }

  if (!usable || form_type == NULL)
    return FALSE;

  g_array_sort (fields, field_compare);
  form->form_type = g_steal_pointer (&form_type);
  form->n_fields = fields->len;
  g_array_set_clear_func (fields, NULL);
  form->fields = (XmppDiscoField *) (void *) g_array_free (g_steal_pointer (&fields), FALSE);

  return TRUE;
}

/**
 * xmpp_disco_info_new_from_query:
 * @query: a `<query xmlns='http://jabber.org/protocol/disco#info'/>`
 * @error: return location for a #GError
 *
 * Parses the payload of a disco#info answer, leniently: malformed parts
 * are left out, as #XmppDiscoInfo describes.
 *
 * Returns: (transfer full): the information, or %NULL with
 *   %XMPP_ERROR_BAD_STANZA if @query is not a disco#info query
 */
XmppDiscoInfo *
xmpp_disco_info_new_from_query (XmppNode  *query,
                                GError   **error)
{
  GArray *identities;
  GPtrArray *features;
  GArray *forms;
  guint n_children;
  XmppNode **children;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (query, "query", XMPP_NS_DISCO_INFO))
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("Expected a service discovery answer, got <%s/>"),
                   xmpp_node_get_name (query));
      return NULL;
    }

  identities = g_array_new (FALSE, TRUE, sizeof (XmppDiscoIdentity));
  features = g_ptr_array_new ();
  forms = g_array_new (FALSE, TRUE, sizeof (XmppDiscoForm));

  children = xmpp_node_get_children (query, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      XmppNode *child = children[i];

      if (xmpp_node_is (child, "identity", XMPP_NS_DISCO_INFO))
        {
          const char *category = xmpp_node_get_attribute (child, "category");
          const char *type = xmpp_node_get_attribute (child, "type");
          XmppDiscoIdentity identity;

          if (category == NULL || category[0] == '\0' || type == NULL || type[0] == '\0')
            continue;
          identity.category = g_strdup (category);
          identity.type = g_strdup (type);
          identity.name = dup_nonempty (xmpp_node_get_attribute (child, "name"));
          identity.lang = dup_nonempty (xmpp_node_get_attribute (child, "xml:lang"));
          g_array_append_val (identities, identity);
        }
      else if (xmpp_node_is (child, "feature", XMPP_NS_DISCO_INFO))
        {
          const char *var = xmpp_node_get_attribute (child, "var");

          if (var != NULL && var[0] != '\0')
            g_ptr_array_add (features, g_strdup (var));
        }
      else if (xmpp_node_is (child, "x", XMPP_NS_DATA_FORMS))
        {
          XmppDiscoForm form = { NULL, NULL, 0 };

          if (parse_form (child, &form))
            g_array_append_val (forms, form);
        }
    }

  return info_new_take (identities, features, forms);
}

/**
 * xmpp_disco_info_ref:
 * @info: a #XmppDiscoInfo
 *
 * Returns: (transfer full): @info, with one more reference
 */
XmppDiscoInfo *
xmpp_disco_info_ref (XmppDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

/**
 * xmpp_disco_info_unref:
 * @info: (transfer full): a #XmppDiscoInfo
 *
 * Drops a reference and frees @info with the last one.
 */
void
xmpp_disco_info_unref (XmppDiscoInfo *info)
{
  g_return_if_fail (info != NULL);

  if (!g_atomic_ref_count_dec (&info->ref_count))
    return;

  for (guint i = 0; i < info->n_identities; i++)
    identity_clear (&info->identities[i]);
  g_free (info->identities);
  g_strfreev (info->features);
  for (guint i = 0; i < info->n_forms; i++)
    form_clear (&info->forms[i]);
  g_free (info->forms);
  g_free (info);
}

/**
 * xmpp_disco_info_get_identities:
 * @info: a #XmppDiscoInfo
 * @n_identities: (out): where to store the number of identities
 *
 * Returns: (transfer none) (array length=n_identities) (nullable): the
 *   identities, sorted; %NULL if there are none
 */
const XmppDiscoIdentity *
xmpp_disco_info_get_identities (XmppDiscoInfo *info,
                                guint         *n_identities)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (n_identities != NULL, NULL);

  *n_identities = info->n_identities;
  return info->n_identities > 0 ? info->identities : NULL;
}

/**
 * xmpp_disco_info_get_features:
 * @info: a #XmppDiscoInfo
 *
 * Returns: (transfer none) (array zero-terminated=1): the features, sorted
 *   and without duplicates
 */
const char * const *
xmpp_disco_info_get_features (XmppDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return (const char * const *) info->features;
}

/**
 * xmpp_disco_info_get_forms:
 * @info: a #XmppDiscoInfo
 * @n_forms: (out): where to store the number of forms
 *
 * Returns: (transfer none) (array length=n_forms) (nullable): the extended
 *   information forms, sorted by `FORM_TYPE`; %NULL if there are none
 */
const XmppDiscoForm *
xmpp_disco_info_get_forms (XmppDiscoInfo *info,
                           guint         *n_forms)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (n_forms != NULL, NULL);

  *n_forms = info->n_forms;
  return info->n_forms > 0 ? info->forms : NULL;
}

/**
 * xmpp_disco_info_has_identity:
 * @info: a #XmppDiscoInfo
 * @category: an identity category, e.g. `"pubsub"`
 * @type: (nullable): a type in that category, e.g. `"pep"`; %NULL for any
 *
 * Returns: whether @info has an identity of that category and type
 */
gboolean
xmpp_disco_info_has_identity (XmppDiscoInfo *info,
                              const char    *category,
                              const char    *type)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  for (guint i = 0; i < info->n_identities; i++)
    {
      if (strcmp (info->identities[i].category, category) == 0 &&
          (type == NULL || strcmp (info->identities[i].type, type) == 0))
        return TRUE;
    }
  return FALSE;
}

/**
 * xmpp_disco_info_has_feature:
 * @info: a #XmppDiscoInfo
 * @var: a feature, e.g. `"urn:xmpp:mam:2"`
 *
 * Returns: whether @info lists @var
 */
gboolean
xmpp_disco_info_has_feature (XmppDiscoInfo *info,
                             const char    *var)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  return bsearch (&var, info->features, info->n_features, sizeof (char *), string_compare) != NULL;
}

/**
 * xmpp_disco_info_get_form_values:
 * @info: a #XmppDiscoInfo
 * @form_type: the `FORM_TYPE` of a form, e.g. `"urn:xmpp:http:upload:0"`
 * @var: the name of a field in it, e.g. `"max-file-size"`
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   field's values in document order, or %NULL if there is no such field
 */
const char * const *
xmpp_disco_info_get_form_values (XmppDiscoInfo *info,
                                 const char    *form_type,
                                 const char    *var)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (form_type != NULL, NULL);
  g_return_val_if_fail (var != NULL, NULL);

  for (guint i = 0; i < info->n_forms; i++)
    {
      const XmppDiscoForm *form = &info->forms[i];

      if (strcmp (form->form_type, form_type) != 0)
        continue;
      for (guint j = 0; j < form->n_fields; j++)
        {
          if (strcmp (form->fields[j].var, var) == 0)
            return (const char * const *) form->fields[j].values;
        }
    }
  return NULL;
}

/**
 * xmpp_disco_info_to_query:
 * @info: a #XmppDiscoInfo
 * @node: (nullable): the `node` to put on the query
 *
 * Writes @info back as a disco#info `<query/>`, as we answer with it.  The
 * result parses back to an equal #XmppDiscoInfo, so it is also a way to
 * persist one.
 *
 * Returns: (transfer full): a new `<query/>` element
 */
XmppNode *
xmpp_disco_info_to_query (XmppDiscoInfo *info,
                          const char    *node)
{
  XmppNode *query;

  g_return_val_if_fail (info != NULL, NULL);

  query = xmpp_node_build ("query", XMPP_NS_DISCO_INFO, "node", node, NULL);

  for (guint i = 0; i < info->n_identities; i++)
    {
      const XmppDiscoIdentity *identity = &info->identities[i];

      xmpp_node_add_child_with_attributes (query, "identity", NULL,
                                           "category", identity->category,
                                           "type", identity->type,
                                           "name", identity->name,
                                           "xml:lang", identity->lang,
                                           NULL);
    }

  for (guint i = 0; i < info->n_features; i++)
    xmpp_node_add_child_with_attributes (query, "feature", NULL, "var", info->features[i], NULL);

  for (guint i = 0; i < info->n_forms; i++)
    {
      const XmppDiscoForm *form = &info->forms[i];
      XmppNode *x = xmpp_node_add_child_with_attributes (query, "x", XMPP_NS_DATA_FORMS,
                                                         "type", "result", NULL);
      XmppNode *field;

      field = xmpp_node_add_child_with_attributes (x, "field", NULL,
                                                   "var", "FORM_TYPE", "type", "hidden", NULL);
      xmpp_node_add_text_child (field, "value", NULL, form->form_type);

      for (guint j = 0; j < form->n_fields; j++)
        {
          field = xmpp_node_add_child_with_attributes (x, "field", NULL,
                                                       "var", form->fields[j].var, NULL);
          for (guint k = 0; form->fields[j].values[k] != NULL; k++)
            xmpp_node_add_text_child (field, "value", NULL, form->fields[j].values[k]);
        }
    }

  return query;
}

static gboolean
forms_equal (const XmppDiscoForm *a,
             const XmppDiscoForm *b)
{
  if (strcmp (a->form_type, b->form_type) != 0 || a->n_fields != b->n_fields)
    return FALSE;
  for (guint i = 0; i < a->n_fields; i++)
    {
      if (strcmp (a->fields[i].var, b->fields[i].var) != 0 ||
          !g_strv_equal ((const char * const *) a->fields[i].values,
                         (const char * const *) b->fields[i].values))
        return FALSE;
    }
  return TRUE;
}

/**
 * xmpp_disco_info_equal:
 * @a: (nullable): a #XmppDiscoInfo
 * @b: (nullable): another
 *
 * Returns: whether @a and @b say the same (two %NULLs are equal)
 */
gboolean
xmpp_disco_info_equal (XmppDiscoInfo *a,
                       XmppDiscoInfo *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->n_identities != b->n_identities || a->n_features != b->n_features ||
      a->n_forms != b->n_forms)
    return FALSE;

  for (guint i = 0; i < a->n_identities; i++)
    {
      if (identity_compare (&a->identities[i], &b->identities[i]) != 0)
        return FALSE;
    }
  if (!g_strv_equal ((const char * const *) a->features, (const char * const *) b->features))
    return FALSE;
  for (guint i = 0; i < a->n_forms; i++)
    {
      if (!forms_equal (&a->forms[i], &b->forms[i]))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* XmppDiscoItem                                                            */
/* ------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (XmppDiscoItem, xmpp_disco_item, xmpp_disco_item_copy, xmpp_disco_item_free)

/**
 * xmpp_disco_item_copy:
 * @item: a #XmppDiscoItem
 *
 * Returns: (transfer full): a copy of @item
 */
XmppDiscoItem *
xmpp_disco_item_copy (const XmppDiscoItem *item)
{
  XmppDiscoItem *copy;

  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (item->jid != NULL, NULL);

  copy = g_new0 (XmppDiscoItem, 1);
  copy->jid = xmpp_jid_ref (item->jid);
  copy->node = g_strdup (item->node);
  copy->name = g_strdup (item->name);
  return copy;
}

/**
 * xmpp_disco_item_free:
 * @item: (transfer full): a #XmppDiscoItem
 */
void
xmpp_disco_item_free (XmppDiscoItem *item)
{
  g_return_if_fail (item != NULL);

  g_clear_pointer (&item->jid, xmpp_jid_unref);
  g_free (item->node);
  g_free (item->name);
  g_free (item);
}

/* ------------------------------------------------------------------------ */
/* XmppDisco                                                                */
/* ------------------------------------------------------------------------ */

/**
 * XmppDisco:
 *
 * Service discovery on one #XmppClient: it answers disco#info queries
 * with our identity (client/pc "Natter") and the features the client
 * advertises, also at the node `https://natter.im#<ver>` of our entity
 * capabilities (XEP-0115 §6.2), and disco#items queries with an empty list.
 * It queries other entities with xmpp_disco_info_async() and
 * xmpp_disco_items_async().
 *
 * On every #XmppClient::online that starts a new session (and on a
 * resumed one when they are not known yet), it fetches the disco#info of
 * the account's server and of the account's own bare JID (where PEP and
 * MAM are announced) and keeps them as #XmppDisco:server-info and
 * #XmppDisco:account-info.
 *
 * The module holds a strong reference on its client; the client holds
 * none on the module (its stanza handlers carry a plain pointer and are
 * removed in dispose), so there is no cycle: whoever owns the client
 * drops the module first, or together with it.
 */
struct _XmppDisco
{
  GObject        parent_instance;

  XmppClient    *client;
  GCancellable  *session_cancellable;   /* the current session's fetches */
  XmppDiscoInfo *server_info;
  XmppDiscoInfo *account_info;
  guint          info_handler;
  guint          items_handler;
};

G_DEFINE_FINAL_TYPE (XmppDisco, xmpp_disco, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SERVER_INFO,
  PROP_ACCOUNT_INFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SERVER_INFO_READY,
  SIGNAL_ACCOUNT_INFO_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the fetch of the server's or the account's information needs to
 * find its way back: a weak reference (a fetch never keeps the module
 * alive) and the cancellable of the session that started it, so that an
 * answer from a superseded session is dropped.
 */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  gboolean      account;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_weak_ref_clear (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchData, fetch_data_free)

static XmppNode *
build_request (XmppJid    *jid,
               const char *xmlns,
               const char *node)
{
  XmppNode *iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                                  "type", "get",
                                  "to", xmpp_jid_to_string (jid),
                                  NULL);

  xmpp_node_add_child_with_attributes (iq, "query", xmlns, "node", node, NULL);
  return iq;
}

/* The payload of an answer to build_request(); a `node` on it must be the
 * one we asked for (XEP-0030 §3.2, §4.2).
 */
static XmppNode *
reply_query (XmppNode    *reply,
             const char  *xmlns,
             const char  *node,
             GError     **error)
{
  XmppNode *query = xmpp_node_get_child (reply, "query", xmlns);
  const char *reply_node;

  if (query == NULL)
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("The service discovery answer has no query"));
      return NULL;
    }

  reply_node = xmpp_node_get_attribute (query, "node");
  if (reply_node != NULL && g_strcmp0 (reply_node, node) != 0)
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("The service discovery answer is for another node"));
      return NULL;
    }

  return query;
}

static void
set_info (XmppDisco     *self,
          gboolean       account,
          XmppDiscoInfo *info)
{
  XmppDiscoInfo **field = account ? &self->account_info : &self->server_info;

  if (xmpp_disco_info_equal (*field, info))
    return;

  g_clear_pointer (field, xmpp_disco_info_unref);
  *field = info != NULL ? xmpp_disco_info_ref (info) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[account ? PROP_ACCOUNT_INFO : PROP_SERVER_INFO]);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FetchData) data = user_data;
  g_autoptr(XmppDisco) self = NULL;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  XmppNode *query = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_weak_ref_get (&data->self);
  if (self == NULL || data->cancellable != self->session_cancellable)
    return;

  if (reply != NULL)
    query = reply_query (reply, XMPP_NS_DISCO_INFO, NULL, &error);
  if (query != NULL)
    info = xmpp_disco_info_new_from_query (query, &error);
  if (info == NULL)
    g_debug ("disco: no information about the %s: %s",
             data->account ? "account" : "server", error->message);

  set_info (self, data->account, info);
  g_signal_emit (self,
                 signals[data->account ? SIGNAL_ACCOUNT_INFO_READY : SIGNAL_SERVER_INFO_READY],
                 0, info);
}

static void
fetch (XmppDisco *self,
       gboolean   account)
{
  XmppJid *account_jid = xmpp_client_get_jid (self->client);
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppNode) iq = NULL;
  g_autoptr(GError) error = NULL;
  FetchData *data;

  if (account)
    jid = xmpp_jid_dup_bare (account_jid);
  else
    jid = xmpp_jid_new (xmpp_jid_get_domainpart (account_jid), &error);
  if (jid == NULL)
    {
      g_debug ("disco: cannot address the server: %s", error->message);
      return;
    }

  data = g_new0 (FetchData, 1);
  g_weak_ref_init (&data->self, self);
  data->cancellable = g_object_ref (self->session_cancellable);
  data->account = account;

  iq = build_request (jid, XMPP_NS_DISCO_INFO, NULL);
  xmpp_client_iq_async (self->client, iq, data->cancellable, fetch_cb, data);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  XmppDisco *self = user_data;
  gboolean server = !resumed || self->server_info == NULL;
  gboolean account = !resumed || self->account_info == NULL;

  if (!server && !account)
    return;

  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();

  if (server)
    fetch (self, FALSE);
  if (account)
    fetch (self, TRUE);
}

static XmppNode *
result_for (XmppNode *request)
{
  return xmpp_node_build ("iq", XMPP_NS_CLIENT,
                          "type", "result",
                          "id", xmpp_node_get_attribute (request, "id"),
                          "to", xmpp_node_get_attribute (request, "from"),
                          NULL);
}

static void
reply_error (XmppClient *client,
             XmppNode   *request,
             const char *condition)
{
  g_autoptr(XmppNode) reply = xmpp_client_error_reply (request, "cancel", condition);

  xmpp_client_send (client, reply);
}

/* Only requests are answered; results and errors that found no waiting
 * request are not ours to answer (SECURITY.md row 28), and a set is left
 * to the client, which refuses it with service-unavailable.
 */
static gboolean
is_get (XmppNode *stanza)
{
  return g_strcmp0 (xmpp_node_get_attribute (stanza, "type"), "get") == 0;
}

static gboolean
info_request_cb (XmppClient *client,
                 XmppNode   *stanza,
                 gpointer    user_data)
{
  XmppDisco *self = user_data;
  XmppNode *query = xmpp_node_get_child (stanza, "query", XMPP_NS_DISCO_INFO);
  const char *node = xmpp_node_get_attribute (query, "node");
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(XmppNode) answer = NULL;

  if (!is_get (stanza))
    return FALSE;

  info = xmpp_disco_dup_own_info (self);

  /* The one node we have is the phantom node of our caps (XEP-0115 §6.2);
   * for an older ver we cannot say what we were, so it is unknown.
   */
  if (node != NULL)
    {
      g_autofree char *ver = xmpp_caps_compute_ver (info);
      g_autofree char *caps_node = g_strconcat (XMPP_CAPS_NODE, "#", ver, NULL);

      if (strcmp (node, caps_node) != 0)
        {
          reply_error (client, stanza, "item-not-found");
          return TRUE;
        }
    }

  reply = result_for (stanza);
  answer = xmpp_disco_info_to_query (info, node);
  xmpp_node_append_child (reply, answer);
  xmpp_client_send (client, reply);
  return TRUE;
}

static gboolean
items_request_cb (XmppClient *client,
                  XmppNode   *stanza,
                  gpointer    user_data)
{
  XmppNode *query = xmpp_node_get_child (stanza, "query", XMPP_NS_DISCO_ITEMS);
  g_autoptr(XmppNode) reply = NULL;

  if (!is_get (stanza))
    return FALSE;

  /* We have no items, and no nodes that could hold some. */
  if (xmpp_node_get_attribute (query, "node") != NULL)
    {
      reply_error (client, stanza, "item-not-found");
      return TRUE;
    }

  reply = result_for (stanza);
  xmpp_node_add_child (reply, "query", XMPP_NS_DISCO_ITEMS);
  xmpp_client_send (client, reply);
  return TRUE;
}

static void
xmpp_disco_constructed (GObject *object)
{
  XmppDisco *self = XMPP_DISCO (object);

  G_OBJECT_CLASS (xmpp_disco_parent_class)->constructed (object);

  g_assert (XMPP_IS_CLIENT (self->client));

  xmpp_client_add_feature (self->client, XMPP_NS_DISCO_INFO);
  xmpp_client_add_feature (self->client, XMPP_NS_DISCO_ITEMS);
  self->info_handler = xmpp_client_add_handler (self->client, "iq", "query", XMPP_NS_DISCO_INFO,
                                                info_request_cb, self, NULL);
  self->items_handler = xmpp_client_add_handler (self->client, "iq", "query", XMPP_NS_DISCO_ITEMS,
                                                 items_request_cb, self, NULL);
  g_signal_connect_object (self->client, "online", G_CALLBACK (online_cb), self, G_CONNECT_DEFAULT);
}

static void
xmpp_disco_dispose (GObject *object)
{
  XmppDisco *self = XMPP_DISCO (object);

  g_cancellable_cancel (self->session_cancellable);
  if (self->client != NULL)
    {
      if (self->info_handler != 0)
        xmpp_client_remove_handler (self->client, self->info_handler);
      if (self->items_handler != 0)
        xmpp_client_remove_handler (self->client, self->items_handler);
      self->info_handler = 0;
      self->items_handler = 0;
      g_signal_handlers_disconnect_by_data (self->client, self);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->session_cancellable);
  g_clear_pointer (&self->server_info, xmpp_disco_info_unref);
  g_clear_pointer (&self->account_info, xmpp_disco_info_unref);

  G_OBJECT_CLASS (xmpp_disco_parent_class)->dispose (object);
}

static void
xmpp_disco_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  XmppDisco *self = XMPP_DISCO (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_SERVER_INFO:
      g_value_set_boxed (value, self->server_info);
      break;

    case PROP_ACCOUNT_INFO:
      g_value_set_boxed (value, self->account_info);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_disco_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  XmppDisco *self = XMPP_DISCO (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_disco_class_init (XmppDiscoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_disco_constructed;
  object_class->dispose = xmpp_disco_dispose;
  object_class->get_property = xmpp_disco_get_property;
  object_class->set_property = xmpp_disco_set_property;

  /**
   * XmppDisco:client:
   *
   * The client this module answers and asks on.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         XMPP_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppDisco:server-info: (nullable)
   *
   * The disco#info of the account's server (its domain), as of the last
   * fetch; %NULL before the first one or if the last one failed.
   * Notified when it changes.
   */
  properties[PROP_SERVER_INFO] =
    g_param_spec_boxed ("server-info", NULL, NULL,
                        XMPP_TYPE_DISCO_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppDisco:account-info: (nullable)
   *
   * The disco#info of the account's own bare JID, which the server
   * answers for it (PEP, MAM, stanza-id support), as of the last fetch.
   * Notified when it changes.
   */
  properties[PROP_ACCOUNT_INFO] =
    g_param_spec_boxed ("account-info", NULL, NULL,
                        XMPP_TYPE_DISCO_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppDisco::server-info-ready:
   * @self: the module
   * @info: (nullable): the server's information, or %NULL if the query
   *   failed
   *
   * Emitted when the fetch of the server's information for a session
   * completes: once per session that was not resumed, even when nothing
   * changed (#XmppDisco:server-info is only notified on change).  Modules
   * that act once per session on a server feature wait for this.
   */
  signals[SIGNAL_SERVER_INFO_READY] =
    g_signal_new ("server-info-ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_DISCO_INFO);

  /**
   * XmppDisco::account-info-ready:
   * @self: the module
   * @info: (nullable): the account's information, or %NULL if the query
   *   failed
   *
   * Like #XmppDisco::server-info-ready, for the account's own bare JID.
   */
  signals[SIGNAL_ACCOUNT_INFO_READY] =
    g_signal_new ("account-info-ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_DISCO_INFO);
}

static void
xmpp_disco_init (XmppDisco *self)
{
  self->session_cancellable = g_cancellable_new ();
}

/**
 * xmpp_disco_new:
 * @client: the client to attach to
 *
 * Creates the service discovery module of @client: it starts answering
 * disco queries and advertises the disco#info and disco#items features.
 *
 * Returns: (transfer full): a new #XmppDisco
 */
XmppDisco *
xmpp_disco_new (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  return g_object_new (XMPP_TYPE_DISCO, "client", client, NULL);
}

/**
 * xmpp_disco_get_client:
 * @self: a #XmppDisco
 *
 * Returns: (transfer none): the client
 */
XmppClient *
xmpp_disco_get_client (XmppDisco *self)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), NULL);

  return self->client;
}

/**
 * xmpp_disco_dup_own_info:
 * @self: a #XmppDisco
 *
 * Our own information: the identity client/pc "Natter" and every feature
 * the client advertises (xmpp_client_add_feature()), as we answer
 * disco#info queries right now.
 *
 * Returns: (transfer full): a new #XmppDiscoInfo
 */
XmppDiscoInfo *
xmpp_disco_dup_own_info (XmppDisco *self)
{
  static const XmppDiscoIdentity identity = { (char *) OWN_CATEGORY, (char *) OWN_TYPE,
                                              (char *) OWN_NAME, NULL };
  g_auto(GStrv) features = NULL;

  g_return_val_if_fail (XMPP_IS_DISCO (self), NULL);
  g_return_val_if_fail (self->client != NULL, NULL);

  features = xmpp_client_dup_features (self->client);
  return xmpp_disco_info_new (&identity, 1, (const char * const *) features);
}

static void
info_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  XmppDiscoInfo *info = NULL;
  XmppNode *query = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply != NULL)
    query = reply_query (reply, XMPP_NS_DISCO_INFO, g_task_get_task_data (task), &error);
  if (query != NULL)
    info = xmpp_disco_info_new_from_query (query, &error);

  if (info == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, info, (GDestroyNotify) xmpp_disco_info_unref);
}

/**
 * xmpp_disco_info_async:
 * @self: a #XmppDisco
 * @jid: the entity to ask
 * @node: (nullable): the node to ask about
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks @jid what it is and what it supports (XEP-0030 §3).  The answer is
 * only accepted from @jid itself (the client matches it by id and sender).
 */
void
xmpp_disco_info_async (XmppDisco           *self,
                       XmppJid             *jid,
                       const char          *node,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_DISCO (self));
  g_return_if_fail (self->client != NULL);
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_disco_info_async);
  g_task_set_task_data (task, g_strdup (node), g_free);

  iq = build_request (jid, XMPP_NS_DISCO_INFO, node);
  xmpp_client_iq_async (self->client, iq, cancellable, info_reply_cb, g_steal_pointer (&task));
}

/**
 * xmpp_disco_info_finish:
 * @self: a #XmppDisco
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the entity's information, or %NULL with
 *   %XMPP_ERROR_STANZA if it answered with an error, %XMPP_ERROR_TIMEOUT,
 *   or %XMPP_ERROR_BAD_STANZA for an answer without a disco#info query or
 *   for another node
 */
XmppDiscoInfo *
xmpp_disco_info_finish (XmppDisco     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_disco_info_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GPtrArray *
parse_items (XmppNode *query)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_disco_item_free);
  guint n_children;
  XmppNode **children = xmpp_node_get_children (query, &n_children);

  for (guint i = 0; i < n_children; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppJid) jid = NULL;
      const char *text;
      XmppDiscoItem *item;

      if (!xmpp_node_is (children[i], "item", XMPP_NS_DISCO_ITEMS))
        continue;
      text = xmpp_node_get_attribute (children[i], "jid");
      if (text == NULL)
        {
          g_debug ("disco: dropping an item without a JID");
          continue;
        }
      jid = xmpp_jid_new (text, &error);
      if (jid == NULL)
        {
          g_debug ("disco: dropping an item: %s", error->message);
          continue;
        }

      item = g_new0 (XmppDiscoItem, 1);
      item->jid = g_steal_pointer (&jid);
      item->node = dup_nonempty (xmpp_node_get_attribute (children[i], "node"));
      item->name = dup_nonempty (xmpp_node_get_attribute (children[i], "name"));
      g_ptr_array_add (items, item);
    }

  return items;
}

static void
items_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  XmppNode *query = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply != NULL)
    query = reply_query (reply, XMPP_NS_DISCO_ITEMS, g_task_get_task_data (task), &error);

  if (query == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, parse_items (query), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * xmpp_disco_items_async:
 * @self: a #XmppDisco
 * @jid: the entity to ask
 * @node: (nullable): the node to list
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks @jid for the items it hosts (XEP-0030 §4), such as the components
 * of a server.
 */
void
xmpp_disco_items_async (XmppDisco           *self,
                        XmppJid             *jid,
                        const char          *node,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_DISCO (self));
  g_return_if_fail (self->client != NULL);
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_disco_items_async);
  g_task_set_task_data (task, g_strdup (node), g_free);

  iq = build_request (jid, XMPP_NS_DISCO_ITEMS, node);
  xmpp_client_iq_async (self->client, iq, cancellable, items_reply_cb, g_steal_pointer (&task));
}

/**
 * xmpp_disco_items_finish:
 * @self: a #XmppDisco
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Items whose `jid` is missing or invalid are left out.
 *
 * Returns: (transfer container) (element-type XmppDiscoItem): the items,
 *   or %NULL with an error as for xmpp_disco_info_finish()
 */
GPtrArray *
xmpp_disco_items_finish (XmppDisco     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_disco_items_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xmpp_disco_get_server_info:
 * @self: a #XmppDisco
 *
 * Returns: (transfer none) (nullable): #XmppDisco:server-info
 */
XmppDiscoInfo *
xmpp_disco_get_server_info (XmppDisco *self)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), NULL);

  return self->server_info;
}

/**
 * xmpp_disco_server_has_feature:
 * @self: a #XmppDisco
 * @var: a feature, e.g. `"urn:xmpp:carbons:2"`
 *
 * Returns: whether the account's server advertised @var; %FALSE while its
 *   information is unknown
 */
gboolean
xmpp_disco_server_has_feature (XmppDisco  *self,
                               const char *var)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  return self->server_info != NULL && xmpp_disco_info_has_feature (self->server_info, var);
}

/**
 * xmpp_disco_get_account_info:
 * @self: a #XmppDisco
 *
 * Returns: (transfer none) (nullable): #XmppDisco:account-info
 */
XmppDiscoInfo *
xmpp_disco_get_account_info (XmppDisco *self)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), NULL);

  return self->account_info;
}

/**
 * xmpp_disco_account_has_feature:
 * @self: a #XmppDisco
 * @var: a feature, e.g. `"urn:xmpp:mam:2"`
 *
 * Whether the account's own bare JID advertised @var.  This is what the
 * trust checks need: a `<stanza-id by='own bare JID'/>` is only believed
 * if this says `urn:xmpp:sid:0` (SECURITY.md row 10).
 *
 * Returns: whether @var was advertised; %FALSE while it is unknown
 */
gboolean
xmpp_disco_account_has_feature (XmppDisco  *self,
                                const char *var)
{
  g_return_val_if_fail (XMPP_IS_DISCO (self), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  return self->account_info != NULL && xmpp_disco_info_has_feature (self->account_info, var);
}
