// Filled by the sync work.
namespace pumpurs::sync {}
