/* sfns_accounts.h — the Accounts <-> Customers sync shared by its two legs, sfnsAccountToCustomer
 * (sfns_account.c) and sfnsCustomerToAccount (sfns_customer.c): the synced fields and their
 * default owners, the settings of settings.sfns.accounts (sfns_accounts_conf.c), and the values
 * of a Salesforce Account and of a NetSuite customer in each system's own terms
 * (sfns_accounts_values.c), which loop prevention hashes and ownership compares. */
#ifndef SFNS_ACCOUNTS_H
#define SFNS_ACCOUNTS_H

#include "sfns_address.h"
#include "sfns_hash.h"
#include "sfns_own.h"

/* The synced fields, by their names in settings.sfns.accounts.ownership. */
typedef enum sfns_af {
    SFNS_AF_NAME,        /* Name <-> companyname */
    SFNS_AF_PHONE,       /* Phone <-> phone */
    SFNS_AF_FAX,         /* Fax <-> fax */
    SFNS_AF_WEBSITE,     /* Website <-> url */
    SFNS_AF_INDUSTRY,    /* Industry <-> category (categoryByIndustry) */
    SFNS_AF_OWNER,       /* OwnerId <-> salesrep (salesRepByOwner) */
    SFNS_AF_PARENT,      /* ParentId <-> parent (the parent customer's external id) */
    SFNS_AF_SUBSIDIARY,  /* (billing country) -> subsidiary */
    SFNS_AF_CURRENCY,    /* CurrencyIsoCode <-> currency (currencies) */
    SFNS_AF_BILLING,     /* Billing* <-> default billing address */
    SFNS_AF_SHIPPING,    /* Shipping* <-> default shipping address */
    SFNS_AF_TERMS,       /* termsField <-> terms (termsByName) */
    SFNS_AF_CREDIT_HOLD, /* creditHoldField <- creditholdoverride */
    SFNS_AF_NETSUITE_ID, /* netsuiteIdField <- the customer's internal id */
    SFNS_AF_COUNT
} sfns_af;

/* Field names (NULL-terminated). */
extern const char *const sfns_af_names[SFNS_AF_COUNT + 1];

/* settings.sfns.accounts and the shared keys, read and checked once per page. */
typedef struct sfns_accounts {
    sfns_rule rules[SFNS_AF_COUNT];
    const char *current_field;
    const char *ordered_field;
    int user_check, hash_check;
    const char *sf_user; /* settings.sfns.salesforceIntegrationUserId, 18 characters */
    const char *ns_user; /* settings.sfns.netsuiteIntegrationUserId */
    const char *sf_hash_field, *ns_hash_field;
    const char *sf_modified_by_field, *ns_modified_by_field;
    const char *sf_modified_field, *ns_modified_field;
    const char *ns_date_format, *ns_time_zone;
    /* subsidiary by country index (sfns_countries), after subsidiaryByCountry, regions and
     * subsidiaryByRegion; NULL where neither names one */
    const char **subsidiary_by_country;
    int subsidiary_configured; /* any subsidiary setting is given */
    const char *default_subsidiary;
    int subsidiary_from_shipping;
    const hs_json *sales_rep_by_owner; /* keys normalised to 18-character Ids */
    const char *default_sales_rep;
    const hs_json *category_by_industry;
    const char *default_category;
    const hs_json *currencies;
    const char *default_currency;
    const char *terms_field;
    const hs_json *terms_by_name;
    const char *credit_hold_field;
    const char *netsuite_id_field;
    const char *url_scheme;
    sfns_address_opts address;
    int sf_address_codes;
    const char *reasons_field;
    int unlinked_error;
} sfns_accounts;

/* Reads and checks the settings; on a problem the invocation fails (422 invalid_setting naming
 * the key) and that status is returned. */
hs_status sfns_accounts_read(hs_ctx *ctx, sfns_accounts *a);

/* Settings maps read in reverse (NetSuite id -> Salesforce value), for the return leg: the first
 * key whose value is `id`, or NULL. */
const char *sfns_accounts_reverse(hs_ctx *ctx, const hs_json *map, const char *id);

/* A record's values in its own system's terms: v[field] plus the two addresses. */
typedef struct sfns_account_values {
    sfns_value v[SFNS_AF_COUNT];
    sfns_address billing, shipping;
} sfns_account_values;

/* The values of a Salesforce Account, as Salesforce holds them (Ids as 18 characters, countries
 * as alpha-2, US/CA states as codes, web addresses normalised). */
void sfns_accounts_sf_values(hs_ctx *ctx, const sfns_accounts *a, const hs_json *account,
                             sfns_account_values *out);
/* The values of a NetSuite customer, as NetSuite holds them (select fields by internal id with
 * the name as alternative). */
void sfns_accounts_ns_values(hs_ctx *ctx, const sfns_accounts *a, const hs_json *customer,
                             sfns_account_values *out);
/* Whether a Salesforce Account holds field f (it has no subsidiary; terms, credit hold and
 * NetSuite id only when their fields are configured). A NetSuite customer holds every field. */
int sfns_accounts_sf_holds(const sfns_accounts *a, sfns_af f);

/* The sync hash of a record's values (kind "account" or "customer"); fields the system does not
 * hold are left out. */
void sfns_accounts_hash(const sfns_accounts *a, sfns_side side, const sfns_account_values *vals,
                        char hex[SFNS_HASH_HEX]);

/* The web address normalised: trimmed, scheme and host in lower case, the scheme added
 * (urlScheme) when missing, a lone trailing "/" dropped. NULL when it is not a web address:
 * white space inside, no host, a scheme other than http and https, an e-mail address. */
const char *sfns_url_normalise(hs_ctx *ctx, const char *url, const char *scheme);

/* What sfns_accounts_current answers when record[current_field] holds something that is not a
 * record: text, a number, a boolean, or an array of one non-object (a lookup that went wrong
 * must not turn into "no target record", which would create or overwrite create-only fields). */
#define SFNS_CURRENT_BAD ((size_t)-1)

/* The current record a lookup put at record[current_field]: *out the object, or NULL when the
 * lookup found none. Returns the number of records found (an array of several: ambiguous), or
 * SFNS_CURRENT_BAD. */
size_t sfns_accounts_current(const sfns_accounts *a, const hs_json *record, const hs_json **out);

/* What record[current_field] holds, for the message of SFNS_CURRENT_BAD ("a string", "an array
 * holding a number"). */
const char *sfns_accounts_current_what(hs_ctx *ctx, const sfns_accounts *a, const hs_json *record);

/* Whether the NetSuite customer has an order (orderedField is set and not false, "F" or empty). */
int sfns_accounts_ordered(hs_ctx *ctx, const sfns_accounts *a, const hs_json *customer);

/* Logs one debug line per record naming every skipped field and why, and, when reasonsField is
 * set, adds {field: reason} to out. */
hs_status sfns_accounts_reasons(hs_ctx *ctx, const sfns_accounts *a, hs_json *out,
                                const char *record_label, const char *const *reasons);

#endif
