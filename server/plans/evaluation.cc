// Filled by the support-plan work.
namespace pumpurs::plans {}
