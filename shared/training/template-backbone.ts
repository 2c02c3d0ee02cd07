/**
 * A template that starts from trained weights names them in its top-level `backbone`: a folder
 * of resources/templates/backbones/ holding a run of Netwright's own trainer (see
 * main/services/template-backbone.ts). Like `goal`, it is the template's, not the project's:
 * the project opened from it keeps the weights as a run chosen with "Use as backbone".
 */
export const TEMPLATE_BACKBONE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
