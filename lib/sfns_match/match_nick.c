/* match_nick.c — common English nicknames and the formal first name each stands for, so the
 * matcher reads "Bob Smith" and "Robert Smith" as one first name (setting useNicknames). The
 * table is sorted by nickname (byte order) for bsearch; its sortedness is a unit test. */
#include <stdlib.h>
#include <string.h>

#include "match.h"

struct nick {
    const char *nick;
    const char *name;
};

static const struct nick nicks[] = {
    {"abby", "abigail"},      {"abe", "abraham"},     {"al", "albert"},
    {"alex", "alexander"},    {"ali", "alison"},      {"andy", "andrew"},
    {"angie", "angela"},      {"ann", "anne"},        {"annie", "anne"},
    {"art", "arthur"},        {"barb", "barbara"},    {"ben", "benjamin"},
    {"benny", "benjamin"},    {"bert", "albert"},     {"beth", "elizabeth"},
    {"betsy", "elizabeth"},   {"betty", "elizabeth"}, {"bill", "william"},
    {"billy", "william"},     {"bob", "robert"},      {"bobby", "robert"},
    {"brad", "bradley"},      {"cathy", "catherine"}, {"charlie", "charles"},
    {"chris", "christopher"}, {"chuck", "charles"},   {"cindy", "cynthia"},
    {"dan", "daniel"},        {"danny", "daniel"},    {"dave", "david"},
    {"davy", "david"},        {"deb", "deborah"},     {"debbie", "deborah"},
    {"dick", "richard"},      {"don", "donald"},      {"donny", "donald"},
    {"doug", "douglas"},      {"ed", "edward"},       {"eddie", "edward"},
    {"ellie", "eleanor"},     {"fred", "frederick"},  {"freddie", "frederick"},
    {"gabe", "gabriel"},      {"gene", "eugene"},     {"greg", "gregory"},
    {"hank", "henry"},        {"harry", "henry"},     {"jack", "john"},
    {"jake", "jacob"},        {"jan", "janet"},       {"jeff", "jeffrey"},
    {"jen", "jennifer"},      {"jenny", "jennifer"},  {"jerry", "gerald"},
    {"jim", "james"},         {"jimmy", "james"},     {"jo", "joanne"},
    {"joe", "joseph"},        {"joey", "joseph"},     {"johnny", "john"},
    {"jon", "jonathan"},      {"josh", "joshua"},     {"judy", "judith"},
    {"kate", "katherine"},    {"kathy", "katherine"}, {"katie", "katherine"},
    {"ken", "kenneth"},       {"kenny", "kenneth"},   {"kim", "kimberly"},
    {"larry", "lawrence"},    {"len", "leonard"},     {"leo", "leonard"},
    {"liz", "elizabeth"},     {"lou", "louis"},       {"maggie", "margaret"},
    {"mandy", "amanda"},      {"marge", "margaret"},  {"matt", "matthew"},
    {"meg", "margaret"},      {"mel", "melissa"},     {"mickey", "michael"},
    {"mike", "michael"},      {"mitch", "mitchell"},  {"nat", "nathaniel"},
    {"nate", "nathan"},       {"nick", "nicholas"},   {"nicky", "nicholas"},
    {"pam", "pamela"},        {"pat", "patricia"},    {"patty", "patricia"},
    {"peggy", "margaret"},    {"pete", "peter"},      {"phil", "philip"},
    {"ray", "raymond"},       {"rick", "richard"},    {"ricky", "richard"},
    {"rob", "robert"},        {"robbie", "robert"},   {"ron", "ronald"},
    {"ronnie", "ronald"},     {"rosie", "rose"},      {"russ", "russell"},
    {"sam", "samuel"},        {"sammy", "samuel"},    {"sandy", "sandra"},
    {"steph", "stephanie"},   {"steve", "steven"},    {"stu", "stuart"},
    {"sue", "susan"},         {"susie", "susan"},     {"ted", "edward"},
    {"teddy", "edward"},      {"terry", "terence"},   {"tim", "timothy"},
    {"timmy", "timothy"},     {"tina", "christina"},  {"tom", "thomas"},
    {"tommy", "thomas"},      {"tony", "anthony"},    {"trish", "patricia"},
    {"val", "valerie"},       {"vic", "victor"},      {"vince", "vincent"},
    {"walt", "walter"},       {"will", "william"},    {"willy", "william"},
    {"zach", "zachary"},      {"zack", "zachary"},
};

static int nick_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct nick *)elem)->nick);
}

const char *match_nickname(const char *in)
{
    if (!in || !*in)
        return NULL;
    const struct nick *n =
        bsearch(in, nicks, sizeof(nicks) / sizeof(nicks[0]), sizeof(nicks[0]), nick_cmp);
    return n ? n->name : NULL;
}

size_t match_nickname_count(void)
{
    return sizeof(nicks) / sizeof(nicks[0]);
}

const char *match_nickname_at(size_t i)
{
    return i < sizeof(nicks) / sizeof(nicks[0]) ? nicks[i].nick : NULL;
}
