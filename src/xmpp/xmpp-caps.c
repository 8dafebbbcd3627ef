/* xmpp-caps.c: XEP-0115 Entity Capabilities 1.6, verified and cached
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-caps.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-error.h"

/* A SHA-1 verification string: 20 bytes in base64. */
#define SHA1_VER_LENGTH 28

/* Limits that keep a presence storm, or a peer that announces a new ver
 * with every presence, from turning into a storm of disco queries or an
 * ever growing cache (SECURITY.md row 44).
 */
#define MAX_IN_FLIGHT 8        /* disco#info queries at once, over all vers */
#define MAX_ATTEMPTS 5         /* distinct accounts asked about one ver */
#define MAX_PENDING 256        /* unverified vers remembered per session */
#define MAX_CACHED 4096        /* verified vers */
#define MAX_RESOURCES 16384    /* full JIDs whose ver is remembered */
#define MAX_NODE_LENGTH 1024

/**
 * XmppCaps:
 *
 * Entity capabilities on one #XmppClient.
 *
 * Outgoing: xmpp_caps_add_to_presence() puts our `<c/>` on a presence,
 * with the verification string of what xmpp_disco_dup_own_info() says
 * (the module advertises `http://jabber.org/protocol/caps` itself).
 *
 * Incoming: every available presence with a `<c hash='sha-1'/>` maps its
 * sender's full JID to the announced ver.  A ver we have not verified yet
 * is asked about with a disco#info query to `node#ver`, at most one query
 * per ver at a time and at most #MAX_IN_FLIGHT in all; the answer is
 * checked as XEP-0115 §5.4 says, its hash recomputed, and only a match is
 * cached.  A mismatch is logged and never cached (§9.3, Caps Poisoning);
 * another entity that announces the same ver is asked next (§5.4 step
 * 3.9), up to #MAX_ATTEMPTS accounts.
 * Legacy caps (no `hash`) and other hash functions are neither verified
 * nor cached.  An unavailable presence forgets the resource; a new
 * session (#XmppClient::online, not resumed) forgets all of them.
 *
 * The cache is in memory.  #XmppCaps::cached hands every newly verified
 * entry to whoever persists them, and xmpp_caps_insert() loads them back
 * (verifying them again).
 *
 * The module holds strong references on its #XmppDisco and client; the
 * client's presence handler carries a plain pointer and is removed in
 * dispose.
 */
struct _XmppCaps
{
  GObject       parent_instance;

  XmppDisco    *disco;
  XmppClient   *client;
  GCancellable *session_cancellable;  /* the current session's queries */
  guint         presence_handler;
  GHashTable   *cache;                /* ver → XmppDiscoInfo */
  GHashTable   *resources;            /* XmppJid → Resource */
  GHashTable   *pending;              /* ver → Pending */
  guint         n_in_flight;
};

G_DEFINE_FINAL_TYPE (XmppCaps, xmpp_caps, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DISCO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CACHED,
  SIGNAL_RESOURCE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a resource last announced. */
typedef struct
{
  char *ver;
  char *node;
} Resource;

/* A ver that is not verified yet. */
typedef struct
{
  GHashTable *tried;      /* bare JIDs (strings) asked already */
  guint       attempts;
  gboolean    in_flight;
  gboolean    exhausted;  /* nobody left to ask, until a new announcement */
} Pending;

/* A disco#info query about one ver; it holds the module weakly. */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  char         *ver;
  char         *node;      /* node#ver, as asked */
  XmppJid      *jid;
} QueryData;

static void
resource_free (gpointer data)
{
  Resource *resource = data;

  g_free (resource->ver);
  g_free (resource->node);
  g_free (resource);
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_hash_table_unref (pending->tried);
  g_free (pending);
}

static void
query_data_free (QueryData *data)
{
  g_weak_ref_clear (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data->ver);
  g_free (data->node);
  g_clear_pointer (&data->jid, xmpp_jid_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QueryData, query_data_free)

/* ------------------------------------------------------------------------ */
/* The verification string (§5.1) and its checks (§5.4)                    */
/* ------------------------------------------------------------------------ */

static int
string_compare (gconstpointer a,
                gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_identity (GString                 *s,
                 const XmppDiscoIdentity *identity)
{
  g_string_append (s, identity->category);
  g_string_append_c (s, '/');
  g_string_append (s, identity->type);
  g_string_append_c (s, '/');
  if (identity->lang != NULL)
    g_string_append (s, identity->lang);
  g_string_append_c (s, '/');
  if (identity->name != NULL)
    g_string_append (s, identity->name);
}

/**
 * xmpp_caps_compute_ver:
 * @info: an entity's information
 *
 * Computes the SHA-1 verification string of @info by the generation
 * method of XEP-0115 §5.1: identities by category, type and xml:lang,
 * then features, then extended information forms by `FORM_TYPE` with
 * their fields by name and values sorted, all in "i;octet" order; then
 * SHA-1 and base64.
 *
 * An #XmppDiscoInfo holds no duplicates and only forms with a single
 * hidden `FORM_TYPE`, so this is the hash of what the §5.4 checks leave
 * of an answer.
 *
 * Returns: (transfer full): the verification string, 28 characters
 */
char *
xmpp_caps_compute_ver (XmppDiscoInfo *info)
{
  g_autoptr(GString) s = NULL;
  g_autoptr(GChecksum) sha1 = NULL;
  const XmppDiscoIdentity *identities;
  const char * const *features;
  const XmppDiscoForm *forms;
  guint n_identities;
  guint n_forms;
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_return_val_if_fail (info != NULL, NULL);

  s = g_string_new (NULL);

  /* XmppDiscoInfo keeps identities sorted by category, type, lang and
   * name and features sorted, both by strcmp(): "i;octet".
   */
  identities = xmpp_disco_info_get_identities (info, &n_identities);
  for (guint i = 0; i < n_identities; i++)
    {
      append_identity (s, &identities[i]);
      g_string_append_c (s, '<');
    }

  features = xmpp_disco_info_get_features (info);
  for (guint i = 0; features[i] != NULL; i++)
    {
      g_string_append (s, features[i]);
      g_string_append_c (s, '<');
    }

  /* Forms are sorted by FORM_TYPE and fields by var; values stay in
   * document order there and are sorted here.
   */
  forms = xmpp_disco_info_get_forms (info, &n_forms);
  for (guint i = 0; i < n_forms; i++)
    {
      g_string_append (s, forms[i].form_type);
      g_string_append_c (s, '<');

      for (guint j = 0; j < forms[i].n_fields; j++)
        {
          const XmppDiscoField *field = &forms[i].fields[j];
          guint n_values = g_strv_length (field->values);
          g_autofree const char **values = NULL;

          values = g_memdup2 (field->values, (n_values + 1) * sizeof (char *));
          g_string_append (s, field->var);
          g_string_append_c (s, '<');
          qsort (values, n_values, sizeof (char *), string_compare);
          for (guint k = 0; k < n_values; k++)
            {
              g_string_append (s, values[k]);
              g_string_append_c (s, '<');
            }
        }
    }

  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, (const guchar *) s->str, s->len);
  g_checksum_get_digest (sha1, digest, &digest_length);

  return g_base64_encode (digest, digest_length);
}

/* '<' ends every item of S, so one inside an item would let two different
 * answers hash alike ("a<b" against "a" and "b"): the preimage trick of
 * the 2009 XSF security list thread cited in §9.3.  A legitimate answer
 * never needs it.
 */
static gboolean
check_text (const char  *text,
            GError     **error)
{
  if (strchr (text, '<') == NULL)
    return TRUE;

  g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
               _("A capabilities answer contains “<” in “%s”"), text);
  return FALSE;
}

static gboolean
ill_formed (GError     **error,
            const char  *what,
            const char  *text)
{
  g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
               _("The capabilities answer is ill-formed: %s “%s”"), what, text);
  return FALSE;
}

/* The FORM_TYPE of a form for the checks of §5.4: %NULL with @usable
 * FALSE when the form is to be ignored; FALSE on two different values.
 */
static gboolean
check_form_type (XmppNode    *x,
                 const char **form_type,
                 gboolean    *usable,
                 GError     **error)
{
  guint n_children;
  XmppNode **children = xmpp_node_get_children (x, &n_children);
  gboolean hidden = TRUE;

  *form_type = NULL;
  for (guint i = 0; i < n_children; i++)
    {
      guint n_values;
      XmppNode **values;

      if (!xmpp_node_is (children[i], "field", XMPP_NS_DATA_FORMS) ||
          g_strcmp0 (xmpp_node_get_attribute (children[i], "var"), "FORM_TYPE") != 0)
        continue;
      if (g_strcmp0 (xmpp_node_get_attribute (children[i], "type"), "hidden") != 0)
        hidden = FALSE;

      values = xmpp_node_get_children (children[i], &n_values);
      for (guint j = 0; j < n_values; j++)
        {
          const char *value;

          if (!xmpp_node_is (values[j], "value", XMPP_NS_DATA_FORMS))
            continue;
          value = xmpp_node_get_text (values[j]);
          if (*form_type == NULL)
            *form_type = value;
          else if (strcmp (*form_type, value) != 0)
            return ill_formed (error, _("a form with two FORM_TYPE values, one of them"), value);
        }
    }

  *usable = *form_type != NULL && hidden;
  return TRUE;
}

static gboolean
check_form_fields (XmppNode    *x,
                   const char  *form_type,
                   GError     **error)
{
  g_autoptr(GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_children;
  XmppNode **children = xmpp_node_get_children (x, &n_children);

  if (!check_text (form_type, error))
    return FALSE;

  for (guint i = 0; i < n_children; i++)
    {
      const char *var;
      guint n_values;
      XmppNode **values;

      if (!xmpp_node_is (children[i], "field", XMPP_NS_DATA_FORMS))
        continue;
      var = xmpp_node_get_attribute (children[i], "var");
      if (var == NULL || var[0] == '\0' || strcmp (var, "FORM_TYPE") == 0)
        continue;
      /* XEP-0004 makes var unique in a form; two fields of one name would
       * make the hash depend on the order they came in.
       */
      if (!g_hash_table_add (vars, (gpointer) var))
        return ill_formed (error, _("a repeated field"), var);
      if (!check_text (var, error))
        return FALSE;

      values = xmpp_node_get_children (children[i], &n_values);
      for (guint j = 0; j < n_values; j++)
        {
          if (xmpp_node_is (values[j], "value", XMPP_NS_DATA_FORMS) &&
              !check_text (xmpp_node_get_text (values[j]), error))
            return FALSE;
        }
    }

  return TRUE;
}

/* XEP-0115 §5.4 steps 3.3 to 3.6, on the answer as it came. */
static gboolean
check_well_formed (XmppNode  *query,
                   GError   **error)
{
  g_autoptr(GHashTable) identities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) features = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) form_types = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_children;
  XmppNode **children = xmpp_node_get_children (query, &n_children);

  for (guint i = 0; i < n_children; i++)
    {
      XmppNode *child = children[i];

      if (xmpp_node_is (child, "identity", XMPP_NS_DISCO_INFO))
        {
          XmppDiscoIdentity identity;
          g_autoptr(GString) line = g_string_new (NULL);

          identity.category = (char *) xmpp_node_get_attribute (child, "category");
          identity.type = (char *) xmpp_node_get_attribute (child, "type");
          identity.name = (char *) xmpp_node_get_attribute (child, "name");
          identity.lang = (char *) xmpp_node_get_attribute (child, "xml:lang");
          if (identity.category == NULL || identity.category[0] == '\0' ||
              identity.type == NULL || identity.type[0] == '\0')
            return ill_formed (error, _("an identity without category or type, named"),
                               identity.name != NULL ? identity.name : "");

          append_identity (line, &identity);
          if (!check_text (line->str, error))
            return FALSE;
          if (!g_hash_table_add (identities, g_string_free (g_steal_pointer (&line), FALSE)))
            return ill_formed (error, _("a repeated identity"), identity.category);
        }
      else if (xmpp_node_is (child, "feature", XMPP_NS_DISCO_INFO))
        {
          const char *var = xmpp_node_get_attribute (child, "var");

          if (var == NULL || var[0] == '\0')
            return ill_formed (error, _("a feature without"), "var");
          if (!check_text (var, error))
            return FALSE;
          if (!g_hash_table_add (features, (gpointer) var))
            return ill_formed (error, _("a repeated feature"), var);
        }
      else if (xmpp_node_is (child, "x", XMPP_NS_DATA_FORMS))
        {
          const char *form_type;
          gboolean usable;

          if (!check_form_type (child, &form_type, &usable, error))
            return FALSE;
          if (form_type != NULL && !g_hash_table_add (form_types, (gpointer) form_type))
            return ill_formed (error, _("a repeated form"), form_type);
          /* A form without FORM_TYPE or with a FORM_TYPE that is not
           * hidden is ignored (step 3.6), and so not checked further.
           */
          if (usable && !check_form_fields (child, form_type, error))
            return FALSE;
        }
    }

  return TRUE;
}

/**
 * xmpp_caps_parse_query:
 * @query: the `<query xmlns='http://jabber.org/protocol/disco#info'/>` of
 *   an answer to a caps query
 * @ver: (out) (optional): where to store the verification string that
 *   the answer hashes to
 * @error: return location for a #GError
 *
 * Applies the processing method of XEP-0115 §5.4 to an answer: it is
 * ill-formed if it repeats an identity (category/type/lang/name), a
 * feature or a form's `FORM_TYPE`, if a `FORM_TYPE` has two different
 * values, or if an identity lacks its category or type or a feature its
 * `var`.  Forms whose `FORM_TYPE` is missing or not hidden are ignored.
 * Beyond the XEP, a field repeated within a form and a `<` inside any
 * text that goes into the hash make the answer ill-formed too, since
 * either would make two different answers hash alike.
 *
 * Returns: (transfer full): the information, or %NULL with
 *   %XMPP_ERROR_BAD_STANZA for an ill-formed answer
 */
XmppDiscoInfo *
xmpp_caps_parse_query (XmppNode  *query,
                       char     **ver,
                       GError   **error)
{
  XmppDiscoInfo *info;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (query, "query", XMPP_NS_DISCO_INFO))
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("Expected a service discovery answer, got <%s/>"),
                   xmpp_node_get_name (query));
      return NULL;
    }

  if (!check_well_formed (query, error))
    return NULL;

  info = xmpp_disco_info_new_from_query (query, error);
  if (info != NULL && ver != NULL)
    *ver = xmpp_caps_compute_ver (info);
  return info;
}

/* ------------------------------------------------------------------------ */
/* The cache                                                                */
/* ------------------------------------------------------------------------ */

static XmppDiscoInfo *
resource_info (XmppCaps *self,
               Resource *resource)
{
  return resource != NULL ? g_hash_table_lookup (self->cache, resource->ver) : NULL;
}

static void
set_resource (XmppCaps   *self,
              XmppJid    *jid,
              const char *ver,
              const char *node)
{
  Resource *old = g_hash_table_lookup (self->resources, jid);
  XmppDiscoInfo *old_info = resource_info (self, old);
  Pending *pending = g_hash_table_lookup (self->pending, ver);
  Resource *resource;

  /* Someone new may be asked about a ver nobody could answer for. */
  if (pending != NULL)
    pending->exhausted = FALSE;

  if (old != NULL && strcmp (old->ver, ver) == 0 && strcmp (old->node, node) == 0)
    return;
  if (old == NULL && g_hash_table_size (self->resources) >= MAX_RESOURCES)
    {
      g_debug ("caps: too many resources, not remembering %s", xmpp_jid_to_string (jid));
      return;
    }

  resource = g_new0 (Resource, 1);
  resource->ver = g_strdup (ver);
  resource->node = g_strdup (node);
  g_hash_table_replace (self->resources, xmpp_jid_ref (jid), resource);

  if (resource_info (self, resource) != old_info)
    g_signal_emit (self, signals[SIGNAL_RESOURCE_CHANGED], 0, jid);
}

static void
forget_resource (XmppCaps *self,
                 XmppJid  *jid)
{
  Resource *old = g_hash_table_lookup (self->resources, jid);
  gboolean had_info = resource_info (self, old) != NULL;

  if (old == NULL)
    return;

  g_hash_table_remove (self->resources, jid);
  if (had_info)
    g_signal_emit (self, signals[SIGNAL_RESOURCE_CHANGED], 0, jid);
}

/* Stores a verified entry and tells the resources that announced it. */
static void
cache_add (XmppCaps      *self,
           const char    *ver,
           XmppDiscoInfo *info,
           gboolean       learnt)
{
  g_autoptr(GPtrArray) changed = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_contains (self->cache, ver))
    return;
  if (g_hash_table_size (self->cache) >= MAX_CACHED)
    {
      g_debug ("caps: cache full, not keeping %s", ver);
      return;
    }

  g_hash_table_insert (self->cache, g_strdup (ver), xmpp_disco_info_ref (info));
  g_hash_table_remove (self->pending, ver);

  if (learnt)
    g_signal_emit (self, signals[SIGNAL_CACHED], 0, ver, info);

  /* Collected first: a handler may change the table. */
  changed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  g_hash_table_iter_init (&iter, self->resources);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Resource *resource = value;

      if (strcmp (resource->ver, ver) == 0)
        g_ptr_array_add (changed, xmpp_jid_ref (key));
    }
  for (guint i = 0; i < changed->len; i++)
    g_signal_emit (self, signals[SIGNAL_RESOURCE_CHANGED], 0, g_ptr_array_index (changed, i));
}

/* A resource that announced @ver and whose account was not asked yet. */
static XmppJid *
find_candidate (XmppCaps    *self,
                const char  *ver,
                Pending     *pending,
                const char **node)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->resources);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Resource *resource = value;

      if (strcmp (resource->ver, ver) == 0 &&
          (pending == NULL ||
           !g_hash_table_contains (pending->tried, xmpp_jid_to_bare_string (key))))
        {
          if (node != NULL)
            *node = resource->node;
          return key;
        }
    }
  return NULL;
}

static void query_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data);

static gboolean
start_query (XmppCaps   *self,
             const char *ver,
             Pending    *pending)
{
  g_autoptr(XmppNode) iq = NULL;
  const char *node = NULL;
  XmppJid *jid;
  QueryData *data;

  if (pending->in_flight || pending->exhausted || pending->attempts >= MAX_ATTEMPTS ||
      self->n_in_flight >= MAX_IN_FLIGHT)
    return FALSE;
  jid = find_candidate (self, ver, pending, &node);
  if (jid == NULL)
    {
      pending->exhausted = TRUE;
      return FALSE;
    }

  data = g_new0 (QueryData, 1);
  g_weak_ref_init (&data->self, self);
  data->cancellable = g_object_ref (self->session_cancellable);
  data->ver = g_strdup (ver);
  data->node = g_strconcat (node, "#", ver, NULL);
  data->jid = xmpp_jid_ref (jid);

  pending->in_flight = TRUE;
  pending->attempts++;
  g_hash_table_add (pending->tried, g_strdup (xmpp_jid_to_bare_string (jid)));
  self->n_in_flight++;

  g_debug ("caps: asking %s about %s", xmpp_jid_to_string (jid), ver);
  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", "to", xmpp_jid_to_string (jid), NULL);
  xmpp_node_add_child_with_attributes (iq, "query", XMPP_NS_DISCO_INFO, "node", data->node, NULL);
  xmpp_client_iq_async (self->client, iq, data->cancellable, query_cb, data);
  return TRUE;
}

/* Starts what the limits allow, after a query ended. */
static void
start_waiting_queries (XmppCaps *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->pending);
  while (self->n_in_flight < MAX_IN_FLIGHT && g_hash_table_iter_next (&iter, &key, &value))
    start_query (self, key, value);
}

/* Drops the unverified vers that nobody could be asked about any more;
 * cheap, so that a flood of new vers cannot make it expensive.
 */
static void
sweep_pending (XmppCaps *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Pending *pending = value;

      if (!pending->in_flight && (pending->exhausted || pending->attempts >= MAX_ATTEMPTS))
        g_hash_table_iter_remove (&iter);
    }
}

static void
request (XmppCaps   *self,
         const char *ver)
{
  Pending *pending = g_hash_table_lookup (self->pending, ver);

  if (pending == NULL)
    {
      if (g_hash_table_size (self->pending) >= MAX_PENDING)
        sweep_pending (self);
      if (g_hash_table_size (self->pending) >= MAX_PENDING)
        {
          g_debug ("caps: too many unverified vers, not asking about %s", ver);
          return;
        }
      pending = g_new0 (Pending, 1);
      pending->tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->pending, g_strdup (ver), pending);
    }

  start_query (self, ver, pending);
}

static void
query_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QueryData) data = user_data;
  g_autoptr(XmppCaps) self = NULL;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  XmppNode *query = NULL;
  Pending *pending;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_weak_ref_get (&data->self);
  if (self == NULL || data->cancellable != self->session_cancellable)
    return;

  g_assert (self->n_in_flight > 0);
  self->n_in_flight--;
  pending = g_hash_table_lookup (self->pending, data->ver);
  if (pending != NULL)
    pending->in_flight = FALSE;

  if (reply != NULL)
    {
      const char *node;

      query = xmpp_node_get_child (reply, "query", XMPP_NS_DISCO_INFO);
      node = query != NULL ? xmpp_node_get_attribute (query, "node") : NULL;
      if (query == NULL)
        g_set_error (&error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                     _("The service discovery answer has no query"));
      else if (node != NULL && strcmp (node, data->node) != 0)
        g_set_error (&error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                     _("The service discovery answer is for another node"));
    }

  if (error == NULL)
    xmpp_caps_add_query_result (self, data->ver, query, &error);
  if (error != NULL)
    {
      g_debug ("caps: %s from %s not verified: %s",
               data->ver, xmpp_jid_to_string (data->jid), error->message);
      /* §5.4 step 3.9: ask another entity that announces the same ver. */
      pending = g_hash_table_lookup (self->pending, data->ver);
      if (pending != NULL)
        start_query (self, data->ver, pending);
    }

  start_waiting_queries (self);
}

static gboolean
is_own_ver (XmppCaps   *self,
            const char *ver)
{
  g_autoptr(XmppDiscoInfo) own = xmpp_disco_dup_own_info (self->disco);
  g_autofree char *own_ver = xmpp_caps_compute_ver (own);

  if (strcmp (own_ver, ver) != 0)
    return FALSE;

  cache_add (self, own_ver, own, FALSE);
  return TRUE;
}

static void
handle_caps (XmppCaps *self,
             XmppJid  *jid,
             XmppNode *c)
{
  const char *hash = xmpp_node_get_attribute (c, "hash");
  const char *node = xmpp_node_get_attribute (c, "node");
  const char *ver = xmpp_node_get_attribute (c, "ver");

  /* §5.4 step 1: without hash the ver is the legacy format, a software
   * version that cannot be verified; step 2: a hash we do not implement
   * could only be associated with this one JID, which we do not do.
   * Either way what the resource announced before no longer holds.
   */
  if (hash == NULL || strcmp (hash, "sha-1") != 0)
    {
      g_debug ("caps: %s announces %s caps; not verified",
               xmpp_jid_to_string (jid), hash == NULL ? "legacy" : hash);
      forget_resource (self, jid);
      return;
    }

  if (ver == NULL || strlen (ver) != SHA1_VER_LENGTH ||
      node == NULL || node[0] == '\0' || strlen (node) > MAX_NODE_LENGTH)
    {
      g_debug ("caps: malformed <c/> from %s", xmpp_jid_to_string (jid));
      forget_resource (self, jid);
      return;
    }

  set_resource (self, jid, ver, node);

  /* What is cached (§8.2) is not asked again, nor is our own ver. */
  if (g_hash_table_contains (self->cache, ver) || is_own_ver (self, ver))
    return;

  request (self, ver);
}

static gboolean
presence_cb (XmppClient *client,
             XmppNode   *stanza,
             gpointer    user_data)
{
  XmppCaps *self = user_data;
  const char *from = xmpp_node_get_attribute (stanza, "from");
  const char *type = xmpp_node_get_attribute (stanza, "type");
  g_autoptr(XmppJid) jid = NULL;
  XmppNode *c;

  /* Other presence handlers see every presence too. */
  if (from == NULL)
    return FALSE;
  jid = xmpp_jid_new (from, NULL);
  if (jid == NULL)
    return FALSE;

  if (g_strcmp0 (type, "unavailable") == 0)
    {
      forget_resource (self, jid);
      return FALSE;
    }
  if (type != NULL)
    return FALSE;

  /* A server doing caps optimisation (§8.4) leaves <c/> off a presence
   * that would repeat it: keep what the resource announced last.
   */
  c = xmpp_node_get_child (stanza, "c", XMPP_NS_CAPS);
  if (c != NULL)
    handle_caps (self, jid, c);

  return FALSE;
}

/* Presence is per session: a session that was not resumed starts from
 * nothing, and answers to the old one's queries are not wanted.
 */
static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  XmppCaps *self = user_data;

  if (resumed)
    return;

  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();
  self->n_in_flight = 0;
  g_hash_table_remove_all (self->pending);
  g_hash_table_remove_all (self->resources);
}

/* ------------------------------------------------------------------------ */
/* XmppCaps                                                                 */
/* ------------------------------------------------------------------------ */

static void
xmpp_caps_constructed (GObject *object)
{
  XmppCaps *self = XMPP_CAPS (object);

  G_OBJECT_CLASS (xmpp_caps_parent_class)->constructed (object);

  g_assert (XMPP_IS_DISCO (self->disco));

  self->client = g_object_ref (xmpp_disco_get_client (self->disco));
  xmpp_client_add_feature (self->client, XMPP_NS_CAPS);
  self->presence_handler = xmpp_client_add_handler (self->client, "presence", NULL, NULL,
                                                    presence_cb, self, NULL);
  g_signal_connect_object (self->client, "online", G_CALLBACK (online_cb), self, G_CONNECT_DEFAULT);
}

static void
xmpp_caps_dispose (GObject *object)
{
  XmppCaps *self = XMPP_CAPS (object);

  g_cancellable_cancel (self->session_cancellable);
  if (self->client != NULL)
    {
      if (self->presence_handler != 0)
        xmpp_client_remove_handler (self->client, self->presence_handler);
      self->presence_handler = 0;
      g_signal_handlers_disconnect_by_data (self->client, self);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->disco);
  g_clear_object (&self->session_cancellable);
  g_hash_table_remove_all (self->pending);
  g_hash_table_remove_all (self->resources);
  g_hash_table_remove_all (self->cache);

  G_OBJECT_CLASS (xmpp_caps_parent_class)->dispose (object);
}

static void
xmpp_caps_finalize (GObject *object)
{
  XmppCaps *self = XMPP_CAPS (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->resources, g_hash_table_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);

  G_OBJECT_CLASS (xmpp_caps_parent_class)->finalize (object);
}

static void
xmpp_caps_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  XmppCaps *self = XMPP_CAPS (object);

  switch (prop_id)
    {
    case PROP_DISCO:
      g_value_set_object (value, self->disco);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_caps_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  XmppCaps *self = XMPP_CAPS (object);

  switch (prop_id)
    {
    case PROP_DISCO:
      self->disco = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_caps_class_init (XmppCapsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_caps_constructed;
  object_class->dispose = xmpp_caps_dispose;
  object_class->finalize = xmpp_caps_finalize;
  object_class->get_property = xmpp_caps_get_property;
  object_class->set_property = xmpp_caps_set_property;

  /**
   * XmppCaps:disco:
   *
   * The service discovery module of the client, which gives our own
   * identity and features.
   */
  properties[PROP_DISCO] =
    g_param_spec_object ("disco", NULL, NULL,
                         XMPP_TYPE_DISCO,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppCaps::cached:
   * @self: the module
   * @ver: a verification string
   * @info: what it stands for
   *
   * Emitted when an answer from the network has been verified against
   * @ver and cached: the hook for persisting the cache.  Entries loaded
   * with xmpp_caps_insert() are not announced again.
   */
  signals[SIGNAL_CACHED] =
    g_signal_new ("cached",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  XMPP_TYPE_DISCO_INFO);

  /**
   * XmppCaps::resource-changed:
   * @self: the module
   * @jid: a full JID
   *
   * Emitted when what xmpp_caps_get_info() returns for @jid changes: its
   * announced ver was verified, it announced another one, or it went
   * away.  Not emitted when a new session forgets every resource.
   */
  signals[SIGNAL_RESOURCE_CHANGED] =
    g_signal_new ("resource-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);
}

static void
xmpp_caps_init (XmppCaps *self)
{
  self->session_cancellable = g_cancellable_new ();
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) xmpp_disco_info_unref);
  self->resources = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                           (GDestroyNotify) xmpp_jid_unref, resource_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
}

/**
 * xmpp_caps_new:
 * @disco: the service discovery module of a client
 *
 * Creates the entity capabilities module of @disco's client: it starts
 * watching presence and advertises `http://jabber.org/protocol/caps`.
 *
 * Returns: (transfer full): a new #XmppCaps
 */
XmppCaps *
xmpp_caps_new (XmppDisco *disco)
{
  g_return_val_if_fail (XMPP_IS_DISCO (disco), NULL);
  g_return_val_if_fail (xmpp_disco_get_client (disco) != NULL, NULL);

  return g_object_new (XMPP_TYPE_CAPS, "disco", disco, NULL);
}

/**
 * xmpp_caps_get_disco:
 * @self: a #XmppCaps
 *
 * Returns: (transfer none): the service discovery module
 */
XmppDisco *
xmpp_caps_get_disco (XmppCaps *self)
{
  g_return_val_if_fail (XMPP_IS_CAPS (self), NULL);

  return self->disco;
}

/**
 * xmpp_caps_dup_own_ver:
 * @self: a #XmppCaps
 *
 * Returns: (transfer full): our verification string as of now; it
 *   changes when a feature is added to the client
 */
char *
xmpp_caps_dup_own_ver (XmppCaps *self)
{
  g_autoptr(XmppDiscoInfo) own = NULL;

  g_return_val_if_fail (XMPP_IS_CAPS (self), NULL);
  g_return_val_if_fail (self->disco != NULL, NULL);

  own = xmpp_disco_dup_own_info (self->disco);
  return xmpp_caps_compute_ver (own);
}

/**
 * xmpp_caps_add_to_presence:
 * @self: a #XmppCaps
 * @presence: an outgoing `<presence/>`
 *
 * Puts our `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'
 * node='https://natter.im' ver='…'/>` on @presence, replacing a `<c/>`
 * that is already there.  XEP-0115 §6.1 wants it on every available
 * presence we send, and a new presence whenever our features change.
 */
void
xmpp_caps_add_to_presence (XmppCaps *self,
                           XmppNode *presence)
{
  g_autoptr(XmppDiscoInfo) own = NULL;
  g_autofree char *ver = NULL;
  XmppNode *old;

  g_return_if_fail (XMPP_IS_CAPS (self));
  g_return_if_fail (self->disco != NULL);
  g_return_if_fail (presence != NULL);

  while ((old = xmpp_node_get_child (presence, "c", XMPP_NS_CAPS)) != NULL)
    xmpp_node_remove_child (presence, old);

  own = xmpp_disco_dup_own_info (self->disco);
  ver = xmpp_caps_compute_ver (own);
  /* So that our own presence, reflected to us, is not asked about. */
  cache_add (self, ver, own, FALSE);

  xmpp_node_add_child_with_attributes (presence, "c", XMPP_NS_CAPS,
                                       "hash", "sha-1",
                                       "node", XMPP_CAPS_NODE,
                                       "ver", ver,
                                       NULL);
}

/**
 * xmpp_caps_add_query_result:
 * @self: a #XmppCaps
 * @ver: the verification string that was announced
 * @query: the `<query/>` of the disco#info answer for `node#ver`
 * @error: return location for a #GError
 *
 * The cache's verification step: parses @query with
 * xmpp_caps_parse_query() and caches it under @ver only if it hashes to
 * @ver.  This is what the module does with each answer to its own
 * queries; a mismatch is what a poisoning attempt looks like (XEP-0115
 * §9.3), and leaves the cache as it was.
 *
 * Returns: %TRUE if the answer was verified (and is cached, unless the
 *   cache is full); %FALSE with %XMPP_ERROR_BAD_STANZA otherwise
 */
gboolean
xmpp_caps_add_query_result (XmppCaps    *self,
                            const char  *ver,
                            XmppNode    *query,
                            GError     **error)
{
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autofree char *computed = NULL;

  g_return_val_if_fail (XMPP_IS_CAPS (self), FALSE);
  g_return_val_if_fail (ver != NULL, FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = xmpp_caps_parse_query (query, &computed, error);
  if (info == NULL)
    return FALSE;

  if (strcmp (computed, ver) != 0)
    {
      g_debug ("caps: answer for %s hashes to %s; not cached", ver, computed);
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("The capabilities answer does not match its verification string"));
      return FALSE;
    }

  cache_add (self, ver, info, TRUE);
  return TRUE;
}

/**
 * xmpp_caps_insert:
 * @self: a #XmppCaps
 * @ver: a verification string
 * @info: what it stands for, as #XmppCaps::cached gave it
 *
 * Loads a persisted cache entry.  It is hashed again, so an entry that a
 * tampered database or an older bug got wrong is refused.
 *
 * Returns: whether @info hashes to @ver (and is now cached)
 */
gboolean
xmpp_caps_insert (XmppCaps      *self,
                  const char    *ver,
                  XmppDiscoInfo *info)
{
  g_autofree char *computed = NULL;

  g_return_val_if_fail (XMPP_IS_CAPS (self), FALSE);
  g_return_val_if_fail (ver != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  computed = xmpp_caps_compute_ver (info);
  if (strcmp (computed, ver) != 0)
    {
      g_debug ("caps: stored entry %s hashes to %s; dropped", ver, computed);
      return FALSE;
    }

  cache_add (self, ver, info, FALSE);
  return TRUE;
}

/**
 * xmpp_caps_lookup:
 * @self: a #XmppCaps
 * @ver: a verification string
 *
 * Returns: (transfer none) (nullable): the verified information for
 *   @ver, or %NULL if it is not known
 */
XmppDiscoInfo *
xmpp_caps_lookup (XmppCaps   *self,
                  const char *ver)
{
  g_return_val_if_fail (XMPP_IS_CAPS (self), NULL);
  g_return_val_if_fail (ver != NULL, NULL);

  return g_hash_table_lookup (self->cache, ver);
}

/**
 * xmpp_caps_get_n_cached:
 * @self: a #XmppCaps
 *
 * Returns: how many verification strings are cached
 */
guint
xmpp_caps_get_n_cached (XmppCaps *self)
{
  g_return_val_if_fail (XMPP_IS_CAPS (self), 0);

  return g_hash_table_size (self->cache);
}

/**
 * xmpp_caps_get_ver:
 * @self: a #XmppCaps
 * @jid: a full JID
 *
 * Returns: (nullable): the SHA-1 verification string @jid announced last
 *   in this session, verified or not yet; %NULL if none
 */
const char *
xmpp_caps_get_ver (XmppCaps *self,
                   XmppJid  *jid)
{
  Resource *resource;

  g_return_val_if_fail (XMPP_IS_CAPS (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  resource = g_hash_table_lookup (self->resources, jid);
  return resource != NULL ? resource->ver : NULL;
}

/**
 * xmpp_caps_get_info:
 * @self: a #XmppCaps
 * @jid: a full JID
 *
 * Returns: (transfer none) (nullable): what @jid supports, if it
 *   announced a ver in this session and that ver is verified
 */
XmppDiscoInfo *
xmpp_caps_get_info (XmppCaps *self,
                    XmppJid  *jid)
{
  g_return_val_if_fail (XMPP_IS_CAPS (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return resource_info (self, g_hash_table_lookup (self->resources, jid));
}

/**
 * xmpp_caps_has_feature:
 * @self: a #XmppCaps
 * @jid: a full JID
 * @var: a feature, e.g. `"urn:xmpp:jingle:1"`
 *
 * Returns: whether @jid's verified capabilities include @var; %FALSE while
 *   they are unknown (XEP-0115 §8.3: assume nothing)
 */
gboolean
xmpp_caps_has_feature (XmppCaps   *self,
                       XmppJid    *jid,
                       const char *var)
{
  XmppDiscoInfo *info;

  g_return_val_if_fail (XMPP_IS_CAPS (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  info = xmpp_caps_get_info (self, jid);
  return info != NULL && xmpp_disco_info_has_feature (info, var);
}
