// Filled by the youth-initiative work.
namespace pumpurs::initiatives {}
