// Filled by the self-check work.
namespace pumpurs::selfcheck {}
